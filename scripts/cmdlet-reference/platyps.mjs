// Parses one cmdlet page in platyPS markdown (the format of PowerShell-Docs and office-docs-powershell) into the
// facts the cmdlet tables keep: parameter sets from the SYNTAX blocks, and per parameter its yaml block
// (Type, Parameter Sets, Aliases, Required, Position) and the versions it applies to.
// Returns null for pages that describe no cmdlet (module landing pages: no SYNTAX section).

const splitList = (value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Front matter: simple `key: value` lines (values may hold colons, e.g. URLs). */
function frontMatter(lines) {
  const meta = {};
  if (lines[0]?.trim() !== '---') return { meta, body: 0 };
  let i = 1;
  for (; i < lines.length && lines[i].trim() !== '---'; i++) {
    const m = /^([^:]+):\s*(.*)$/.exec(lines[i]);
    if (m) meta[m[1].trim().toLowerCase()] = m[2].trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return { meta, body: i + 1 };
}

/** Splits the body into `## ` sections, ignoring headings inside fenced code. */
function sections(lines, start) {
  const out = new Map();
  let current = null;
  let fenced = false;
  let h1 = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (!fenced && /^# \S/.test(line) && h1 === null) h1 = line.slice(2).trim();
    if (!fenced && /^## \S/.test(line)) {
      current = line.slice(3).trim().toUpperCase();
      if (!out.has(current)) out.set(current, []);
      continue;
    }
    if (current) out.get(current).push(line);
  }
  return { h1, sections: out };
}

/** The fenced blocks of a section, each with the `### ` heading above it (if any). */
function fencedBlocks(lines) {
  const blocks = [];
  let heading = null;
  let block = null;
  for (const line of lines) {
    const fence = /^\s*```\s*(\S*)/.exec(line);
    if (block) {
      if (fence && line.trim() === '```') {
        blocks.push(block);
        block = null;
      } else block.lines.push(line);
      continue;
    }
    if (fence) {
      block = { heading, lang: fence[1].toLowerCase(), lines: [] };
      continue;
    }
    const h = /^###\s+(.+?)\s*$/.exec(line);
    if (h) heading = h[1];
  }
  if (block) throw new Error(`unterminated code block under "${heading ?? 'SYNTAX'}"`);
  return blocks;
}

const TOKEN = /\[|\]|<[^>]*>|-[A-Za-z_][\w]*|[^\s[\]<>]+/g;

/** One syntax line (`Verb-Noun [-A] <T> [-B <T>] -C <T> [<CommonParameters>]`) → its parameters. */
function parseSyntax(text) {
  const tokens = text.match(TOKEN) ?? [];
  const params = [];
  let depth = 0;
  let common = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '[') depth++;
    else if (t === ']') depth = Math.max(0, depth - 1);
    else if (t === '<CommonParameters>') common = true;
    else if (t.startsWith('-') && i > 0) {
      const next = tokens[i + 1];
      const after = tokens[i + 2];
      // `[-Name] <Type>`: the name alone in brackets, then its value: a positional parameter.
      const positional = tokens[i - 1] === '[' && next === ']' && after?.startsWith('<') && after !== '<CommonParameters>';
      const level = positional ? depth - 1 : depth;
      let type = null;
      const typeToken = positional ? after : next;
      if (typeToken?.startsWith('<') && typeToken !== '<CommonParameters>') type = typeToken.slice(1, -1);
      params.push({ name: t.slice(1), mandatory: level === 0, positional, type });
    }
  }
  return { params, common };
}

/** `key: value` lines of a parameter's yaml block. */
function yamlFields(lines) {
  const fields = {};
  for (const line of lines) {
    const m = /^([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (m) fields[m[1].trim().toLowerCase()] = m[2].trim();
  }
  return fields;
}

function parsePosition(value) {
  if (value === undefined) return null;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function parseParameters(lines) {
  const params = {};
  let current = null;
  let fenced = null;
  const finish = () => {
    if (current) params[current.name] = current;
  };
  for (const line of lines) {
    if (fenced) {
      if (line.trim() === '```') {
        if (fenced.lang === 'yaml' && current) current.blocks.push(yamlFields(fenced.lines));
        fenced = null;
      } else fenced.lines.push(line);
      continue;
    }
    const fence = /^\s*```\s*(\S*)/.exec(line);
    if (fence) {
      fenced = { lang: fence[1].toLowerCase(), lines: [] };
      continue;
    }
    const h = /^###\s+(.+?)\s*$/.exec(line);
    if (h) {
      finish();
      current = h[1].startsWith('-') ? { name: h[1].slice(1).trim(), blocks: [], applicable: null } : null;
      continue;
    }
    const applicable = /^>\s*Applicable:\s*(.+)$/i.exec(line);
    if (applicable && current) current.applicable = splitList(applicable[1]);
  }
  finish();
  return params;
}

/** Cmdlet aliases listed in NOTES ("... includes the following aliases for `X`:" then a list of `alias`). */
function parseAliases(notes) {
  const aliases = [];
  for (let i = 0; i < notes.length; i++) {
    if (!/following aliases for/i.test(notes[i])) continue;
    for (let j = i + 1; j < notes.length; j++) {
      const line = notes[j];
      if (line.trim() === '') continue;
      const item = /^\s*-\s+`([^`]+)`\s*$/.exec(line);
      if (item) aliases.push(item[1]);
      else if (!/^\s*-\s+\S.*:\s*$/.test(line)) break; // a sub-heading like "- Windows:" keeps the list going
    }
  }
  return [...new Set(aliases)];
}

export function parseCmdletMarkdown(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const { meta, body } = frontMatter(lines);
  const { h1, sections: secs } = sections(lines, body);
  const syntax = secs.get('SYNTAX');
  if (!syntax) return null;
  const name = (h1 ?? meta.title ?? '').trim();
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new Error(`the page's title "${name}" is no cmdlet name`);

  const docParams = parseParameters(secs.get('PARAMETERS') ?? []);
  let commonParameters = false;
  const parameterSets = [];
  for (const block of fencedBlocks(syntax)) {
    // A block may hold several syntax lines (one per set) when the page has no set headings.
    const commands = [];
    for (const line of block.lines) {
      if (line.trim() === '') continue;
      if (line.trim().toLowerCase().startsWith(name.toLowerCase()) && !/^\s/.test(line)) commands.push(line);
      else if (commands.length) commands[commands.length - 1] += ` ${line}`;
    }
    for (const command of commands) {
      const { params, common } = parseSyntax(command.trim().slice(name.length));
      commonParameters ||= common;
      const heading = block.heading ?? null;
      const setName = heading ? heading.replace(/\s*\(Default\)\s*$/i, '').trim() : null;
      parameterSets.push({ name: setName, isDefault: heading ? /\(Default\)\s*$/i.test(heading) : false, params });
    }
  }
  if (parameterSets.length === 1 && parameterSets[0].name === null) parameterSets[0].name = '__AllParameterSets';
  parameterSets.forEach((set, i) => {
    if (set.name === null) set.name = `__Set${i + 1}`;
  });

  const parameters = {};
  for (const p of Object.values(docParams)) {
    const first = p.blocks[0] ?? {};
    const sets = [...new Set(p.blocks.flatMap((b) => splitList(b['parameter sets'] ?? '(All)')))];
    const yamlApplicable = first.applicable ? splitList(first.applicable) : null;
    parameters[p.name] = {
      type: first.type ?? null,
      aliases: splitList(first.aliases ?? ''),
      parameterSets: sets.length ? sets : ['(All)'],
      ...(first['accepted values'] ? { acceptedValues: splitList(first['accepted values']) } : {}),
      ...(p.applicable || yamlApplicable ? { applicable: p.applicable ?? yamlApplicable } : {}),
    };
  }

  const blockFor = (paramName, setName) => {
    const p = docParams[paramName];
    if (!p) return null;
    return (
      p.blocks.find((b) => splitList(b['parameter sets'] ?? '').some((s) => s.toLowerCase() === setName.toLowerCase())) ??
      p.blocks.find((b) => /^\(All\)$/i.test((b['parameter sets'] ?? '').trim())) ??
      (p.blocks.length === 1 ? p.blocks[0] : null)
    );
  };

  const outSets = parameterSets.map((set) => ({
    name: set.name,
    ...(set.isDefault ? { isDefault: true } : {}),
    parameters: set.params.map((sp) => {
      const doc = blockFor(sp.name, set.name);
      const position = parsePosition(doc?.position);
      return {
        name: sp.name,
        mandatory: sp.mandatory,
        position: position ?? null,
        ...(sp.positional && position === null ? { positional: true } : {}),
      };
    }),
  }));

  // Parameters the syntax shows but PARAMETERS does not describe still exist: keep them, marked.
  for (const set of parameterSets) {
    for (const sp of set.params) {
      const known = Object.keys(parameters).some((k) => k.toLowerCase() === sp.name.toLowerCase());
      if (!known) parameters[sp.name] = { type: sp.type, aliases: [], parameterSets: [set.name], undocumented: true };
    }
  }

  const aliases = parseAliases(secs.get('NOTES') ?? []);
  return {
    name,
    ...(meta['module name'] ? { module: meta['module name'] } : {}),
    ...(meta.applicable ? { applicable: splitList(meta.applicable) } : {}),
    ...(aliases.length ? { aliases } : {}),
    commonParameters,
    parameterSets: outSets,
    parameters,
  };
}
