// Hostile server names and registry values: the generated scripts parse cleanly and never run the injected text;
// Markdown, HTML and CSV output are escaped for their kind.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvCell, mdCode, mdText, psLiteral } from '../../src/runbooks/escape.js';
import { FolderNamer, safeFolderName } from '../../src/runbooks/folder-names.js';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { change, findingsDoc, NET4, NET4_WOW, SCHANNEL, server, tls12Changes } from './findings-builder.js';
import { readReg, writeReg, type RegData } from './reg-file.js';
import { parseErrors, PWSH_TIMEOUT, runDir, runScript } from './run-script.js';

const work = runDir('escaping');
const marker = (n: number) => join(work, `PWNED-${n}`);

/** Each tries to create a marker file if it ever reaches PowerShell as code. */
const hostile: string[] = [
  `EX'; New-Item -ItemType File -Path '${marker(1)}'; '`,
  `EX\u2019; New-Item -ItemType File -Path '${marker(2)}'; \u2018`,
  `EX\u201a\u201b'; New-Item -ItemType File -Path '${marker(3)}' #`,
  `EX"; New-Item -ItemType File -Path "${marker(4)}"; "`,
  `EX$(New-Item -ItemType File -Path '${marker(5)}')`,
  'EX`$(New-Item -ItemType File -Path ' + `'${marker(6)}')` + '`',
  `EX; New-Item -ItemType File -Path '${marker(7)}'`,
  `EX\nNew-Item -ItemType File -Path '${marker(8)}'\n#`,
  `EX\r\n$(New-Item -ItemType File -Path '${marker(9)}')`,
  `EX\u2028$(New-Item -ItemType File -Path '${marker(10)}')\u0085`,
  `<script>alert(1)</script>`,
  `a|b|c`,
  `]]`,
  `--> <!-- x`,
  `{0} {1} -f $(New-Item -ItemType File -Path '${marker(11)}')`,
  `#> $(New-Item -ItemType File -Path '${marker(12)}') <#`,
  `=HYPERLINK("http://evil")`,
  `@SUM(1)`,
  `*bold* _it_ [link](http://x) \`code\` ~~s~~ \\ & &amp;`,
  `EX\u0000NUL`,
];
/** Names a .reg file can hold (no line breaks, no NUL): these also get a run against a .reg target. */
const regSafe = hostile.filter((h) => !/[\r\n\u0000]/.test(h));

describe('psLiteral', () => {
  test('every hostile string round-trips exactly through PowerShell and nothing runs', async () => {
    const samples = [...hostile, '', "'", '\u2019\u2018\u201a\u201b', '\t tab', 'ünïcödé 日本', '\n', '\u0000'];
    const script = join(work, 'literals.ps1');
    const body = samples.map((s) => `  ${psLiteral(s)}`).join(',\r\n');
    writeFileSync(
      script,
      `\ufeff$values = @(\r\n${body}\r\n)\r\nforeach ($v in $values) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([string]$v)) }\r\n`,
    );
    for (const s of samples) expect(psLiteral(s)).not.toMatch(/[\r\n\u0000\u0085\u2028\u2029]/);
    expect(await parseErrors([script])).toEqual({ [script]: [] });
    const r = await runScript(script, []);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split(/\r?\n/)).toEqual(samples.map((s) => Buffer.from(s, 'utf8').toString('base64')));
    for (let n = 1; n <= 12; n++) expect(existsSync(marker(n))).toBe(false);
  }, PWSH_TIMEOUT);

  test('plain text is one single-quoted literal; quotes PowerShell knows are doubled', () => {
    expect(psLiteral("it's")).toBe("'it''s'");
    expect(psLiteral('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psLiteral('$(x) `y` "z"')).toBe("'$(x) `y` \"z\"'");
    expect(psLiteral('a\nb')).toBe("('a' + [char]10 + 'b')");
    expect(psLiteral('\u0000')).toBe("('' + [char]0)");
    expect(() => psLiteral(undefined)).toThrow(/undefined/);
  });
});

describe('Markdown, CSV and folder names', () => {
  test('mdText escapes table and inline syntax, HTML and line breaks', () => {
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('<script>')).toBe('&lt;script&gt;');
    expect(mdText('*x* _y_ [z] `c` ~s~ \\')).toBe('\\*x\\* \\_y\\_ \\[z\\] \\`c\\` \\~s\\~ \\\\');
    expect(mdText('l1\nl2\r\nl3')).toBe('l1<br>l2<br>l3');
    expect(mdText('-->')).toBe('--&gt;');
  });

  test('mdCode picks a longer fence and keeps a table cell intact', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('x|y')).toBe('`x\\|y`');
    expect(mdCode('`')).toBe('`` ` ``');
    expect(mdCode('l1\nl2')).not.toMatch(/\n/);
  });

  test('csvCell defuses formulas', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1']) expect(csvCell(s)).toBe(`'${s}`);
    expect(csvCell('EX01')).toBe('EX01');
    expect(csvCell(3)).toBe('3');
  });

  test('folder names are safe on Windows and POSIX', () => {
    for (const h of [...hostile, 'CON', 'nul.txt', '..', '.', 'a/b\\c', 'x:y']) {
      const f = safeFolderName(h);
      expect(f).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(f).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    }
  });
});

describe('rendered outputs with hostile data', () => {
  let out: string;
  const hostilePath = `SOFTWARE\\extls-test\\k']]$(New-Item -ItemType File -Path '${marker(13)}')"\`;|<script>`;
  const WINHTTP = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp';

  beforeAll(async () => {
    const servers = hostile.map((name, i) =>
      server({
        name,
        dag: i % 3 === 0 ? `DAG ${hostile[(i + 1) % hostile.length]}` : null,
        site: hostile[(i + 2) % hostile.length]!,
        // the current value is data (shown, backed up, restored); the key and value name are extls's own
        changes: [...tls12Changes(), change(WINHTTP, 'DefaultSecureProtocols', 2048, hostile[i]!, 'REG_SZ')],
      }),
    );
    out = runDir('hostile');
    await renderRunbooks(findingsDoc(servers), { outDir: out, generatedAt: '2025-06-02T08:00:00.000Z' });
  });

  test('one folder per server, all with safe names', () => {
    const folders = serverDirs(out);
    expect(folders).toHaveLength(hostile.length);
    for (const f of folders) expect(f).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
  });

  test('every generated script parses without errors', async () => {
    const scripts = serverDirs(out)
      .flatMap((f) => [join(out, f, 'remediate.ps1'), join(out, f, 'rollback.ps1')])
      .filter(existsSync);
    expect(scripts.length).toBe(hostile.length * 2);
    const errors = await parseErrors(scripts);
    expect(Object.values(errors).flat()).toEqual([]);
  }, PWSH_TIMEOUT);

  test('running remediate.ps1 and rollback.ps1 with hostile names never runs the injected text', async () => {
    // one run covers a hostile server name and a hostile current value at once
    const namer = new FolderNamer();
    const folders = hostile.map((h) => namer.assign(h));
    const dir = join(out, folders[0]!);
    const reg = join(dir, 'target.reg');
    writeReg(reg, new Map<string, Map<string, RegData>>([
      // the values the inventory saw (tls12Changes' current values): the scripts refuse a target that differs
      [`HKEY_LOCAL_MACHINE\\${SCHANNEL}\\TLS 1.2\\Client`, new Map([['Enabled', { type: 'REG_DWORD', value: 0 }], ['DisabledByDefault', { type: 'REG_DWORD', value: 1 }]])],
      [`HKEY_LOCAL_MACHINE\\${NET4}`, new Map([['SchUseStrongCrypto', { type: 'REG_SZ', value: '1' }]])],
      [`HKEY_LOCAL_MACHINE\\${NET4_WOW}`, new Map([['SchUseStrongCrypto', { type: 'REG_DWORD', value: 4294967295 }]])],
      [`HKEY_LOCAL_MACHINE\\${WINHTTP}`, new Map([['DefaultSecureProtocols', { type: 'REG_SZ', value: regSafe[0]! }]])],
    ]));
    const before = readFileSync(reg);
    const r = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('extls remediate: changed 8 value(s)');
    expect(readReg(reg).get(`HKEY_LOCAL_MACHINE\\${WINHTTP}`)?.get('DefaultSecureProtocols')).toEqual({ type: 'REG_DWORD', value: 2048 });
    const back = await runScript(join(dir, 'rollback.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(back.stderr).toBe('');
    expect(readFileSync(reg).equals(before)).toBe(true);
    for (let n = 1; n <= 13; n++) expect(existsSync(marker(n))).toBe(false);
  }, PWSH_TIMEOUT);

  test('a change to a registry value extls does not manage is refused, never written into a script', async () => {
    const crafted = findingsDoc([server({ name: 'EX01', changes: [...tls12Changes(), change(hostilePath, 'Enabled', 1)] })]);
    const dir = runDir('unmanaged');
    // that server fails (reported as not collected, with the reason); the run itself goes on
    const result = await renderRunbooks(crafted, { outDir: dir });
    expect(result.unusable).toEqual([{ server: 'EX01', message: expect.stringMatching(/^server EX01: .*registry value extls does not manage/) }]);
    expect(result.notCollected).toEqual(['EX01']);
    expect(existsSync(join(dir, 'EX01'))).toBe(false);
    // the same value named in another case is extls's own key, written as extls spells it
    const upper = findingsDoc([server({ name: 'EX01', changes: [change(`${SCHANNEL.toUpperCase()}\\TLS 1.2\\SERVER`, 'enabled', 1)] })]);
    await renderRunbooks(upper, { outDir: dir });
    const script = readFileSync(join(dir, 'EX01', 'remediate.ps1'), 'utf8');
    expect(script).toContain(psLiteral(`${SCHANNEL}\\TLS 1.2\\Server`));
    expect(script).not.toContain(SCHANNEL.toUpperCase());
  });

  test('runbook.md: tables keep their columns, no raw HTML, no line break from data', () => {
    for (const f of serverDirs(out)) {
      const md = readFileSync(join(out, f, 'runbook.md'), 'utf8');
      // raw HTML would be live outside code; inside code blocks and spans Markdown shows it literally
      expect(prose(md)).not.toMatch(/<script>|<!--|-->/);
      // the title line holds the whole server name
      expect(md.split('\n')[0]).toMatch(/^# TLS change runbook: /);
      const changeRows = md.split('\n').filter((l) => /^\| \d+ \| `/.test(l));
      expect(changeRows).toHaveLength(8);
      for (const row of changeRows) expect(unescapedPipes(row)).toBe(7);
      const summaryRows = md.split('\n').filter((l) => /^\| (Server|DAG \/ site \/ role) \|/.test(l));
      for (const row of summaryRows) expect(unescapedPipes(row)).toBe(3);
    }
  });

  test('report.html and rollout.md escape the data; summary.csv defuses formulas', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<script\b/g)).toHaveLength(1); // only the report's own script
    expect(html).not.toContain('<!-- x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const rollout = readFileSync(join(out, 'rollout.md'), 'utf8');
    expect(prose(rollout)).not.toMatch(/<script>|<!--|-->/);
    for (const row of rollout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Server'))) expect(unescapedPipes(row)).toBe(5);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(csv.startsWith('\ufeffServer,')).toBe(true);
    expect(csv).toMatch(/\r\n/);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain(`'@SUM(1)`);
    expect(csv).not.toMatch(/(^|,)[=+@]/m);
  });
});

/** Markdown without fenced code blocks and code spans. */
function prose(md: string): string {
  return md.replace(/^ *(`{3,})[^\n]*\n[\s\S]*?^ *\1 *$/gm, '').replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

function serverDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

function unescapedPipes(line: string): number {
  return (line.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length;
}
