// Round two of hostile inputs (issue 21), text that takes over a terminal: escape sequences (OSC 52 sets the
// clipboard, CSI 2J clears the screen) and bidi overrides through a drop file's computerName and through the
// certificate CN of a probed SMTP server (a real Postfix on loopback). Whatever reaches a terminal shows them
// visibly; JSON and CSV keep the data exact.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { makeSelfSignedCert, startPostfix, type PostfixInstance } from '../helpers/postfix.js';
import { runDir } from '../runbooks/run-script.js';
import { createReporter } from '../../src/cli/reporter.js';
import { collectorDoc } from './corpus.js';

const work = runDir('hostile-terminal');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};

const CLIPBOARD = '\u001b]52;c;cHduZWQ=\u0007';
const CLEAR = '\u001b[2J';
const hostile = `EX${CLIPBOARD}${CLEAR}\u202e01\u009b`;
/** What a terminal must never be sent from data: C0 (but line break and tab), DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** The same characters shown as escapes, as the terminal writer shows them. */
const VISIBLE = 'EX\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\u202e01\\x9b';

describe('escape codes through a drop file', () => {
  let dir: string;
  let inventory: string;
  let inv: { stderr: string; exitCode?: number };
  beforeAll(async () => {
    dir = fresh('drop');
    const from = join(dir, 'drops');
    mkdirSync(from);
    const doc = collectorDoc(hostile);
    doc.collector.startedAt = new Date().toISOString();
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(doc));
    inventory = join(dir, 'inventory.json');
    // stderr is a pipe: one progress line per server, with the name
    inv = await runCli(['inventory', '--from', from, '--out', inventory]);
  });

  it('inventory progress shows the name with its escapes visible', () => {
    expect(inv.exitCode).toBe(0);
    expect(inv.stderr).not.toMatch(RAW);
    expect(inv.stderr).toContain(`${VISIBLE} ok`);
  });

  it('the inventory file keeps the name exact', () => {
    expect(JSON.parse(readFileSync(inventory, 'utf8')).servers[0].server).toBe(hostile);
  });

  it('analyze --format table: escapes visible; --format csv and json: the name exact', async () => {
    const table = await runCli(['analyze', inventory, '--format', 'table']);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stdout).toContain('\\x1b]52;c;');
    const csv = await runCli(['analyze', inventory, '--format', 'csv']);
    const rows = parse(csv.stdout, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.values(rows[0]!)).toContain(hostile);
    const json = await runCli(['analyze', inventory, '--format', 'json']);
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout).servers[0].server).toBe(hostile);
  });

  it('runbooks warnings and errors name the server visibly', async () => {
    const doc = JSON.parse(readFileSync(inventory, 'utf8'));
    doc.servers.push({ ...doc.servers[0], server: hostile.toLowerCase() });
    const twice = join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify(doc));
    const r = await runCli(['runbooks', twice, '--out', join(dir, 'out')]);
    expect(r.stderr).toMatch(/skipped/);
    expect(r.stderr).not.toMatch(RAW);
  });

  it('a progress bar on a terminal shows the last name visibly', () => {
    let written = '';
    const stream = { isTTY: true, columns: 200, write: (s: string) => ((written += s), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
    const reporter = createReporter('inventory', 'servers', { stream: stream as never });
    reporter.start(1);
    reporter.item({ name: hostile, ok: true });
    reporter.warn(`${hostile}: a warning`);
    reporter.stop();
    expect(written).not.toContain(CLIPBOARD);
    expect(written).not.toContain(CLEAR);
    expect(written).not.toContain('\u202e');
    expect(written).toContain(VISIBLE);
  });
});

describe('escape codes through a probed certificate (Postfix)', () => {
  let postfix: PostfixInstance;
  // (control characters only: openssl req -subj would store a non-ASCII character as Latin-1 bytes)
  const cn = `mx${CLIPBOARD}${CLEAR}evil`;
  beforeAll(async () => {
    const certDir = fresh('cert');
    const cert = await makeSelfSignedCert(certDir, cn, ['DNS:localhost', 'IP:127.0.0.1']);
    postfix = await startPostfix({ name: 'hostile-cn', tls: 'modern', cert });
  }, 120_000);
  afterAll(async () => {
    await postfix?.stop();
  }, 60_000);

  it('probe --format table and its progress lines show the CN with its escapes visible; json keeps it exact', async () => {
    const table = await runCli(['probe', `127.0.0.1:${postfix.port}`, '--format', 'table', '--step-timeout', '10']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).not.toMatch(RAW);
    expect(table.stderr).not.toMatch(RAW);
    expect(table.stdout).toContain('\\x1b]52');
    const json = await runCli(['probe', `127.0.0.1:${postfix.port}`, '--format', 'json', '--step-timeout', '10', '--quiet']);
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout)[0].certificate.subjectCN).toBe(cn);
  }, 120_000);
});
