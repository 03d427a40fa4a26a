// Files that change under the scanner, as on a live transport server: the newest file held open for writing
// (with a half-written last line), a file renamed while it is being read, and a listed file deleted by
// circular logging before the scanner gets to it.
import { mkdtempSync, mkdirSync, rmSync, readFileSync, openSync, writeSync, closeSync, readdirSync, readlinkSync, renameSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { collectorScript } from '../../src/util/paths.js';
import { header, render, receiveSession } from './exlog.js';
import { check, minimalReg, peer } from './run.js';

const HUB = 'EX01\\Default EX01';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'extls-pl-live-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function headerText(): string {
  return header('Receive', '2026-11-27T00:00:00.000Z').map((l) => `${l}\r\n`).join('');
}

/** pid and its descendants (the project's pwsh is a dotnet tool shim that starts the real pwsh as a child). */
function tree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, ppid] of parent) if (ppid === out[i]) out.push(child);
  return out;
}

/** Whether one of the processes has `file` open (Linux /proc). */
function holds(pids: number[], file: string): boolean {
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return true;
        } catch {
          // fd closed meanwhile
        }
      }
    } catch {
      // process gone
    }
  }
  return false;
}

test('open for writing, renamed while read, deleted before read', async () => {
  const dir = join(root, 'Hub', 'ProtocolLog', 'SmtpReceive');
  const big = join(dir, 'RECV2026112701-1.LOG');
  const gone = join(dir, 'RECV2026112702-1.LOG');
  const open = join(dir, 'RECV2026112703-1.LOG');

  // BIG: large enough that the scanner holds it open for a while (tens of MB), one session per id.
  const template = render(receiveSession({ start: '2026-11-27T01:00:00.000Z', connector: HUB, id: 'XXXXXXXXXXXXXXXX', remote: '10.5.0.1:2000', tls: 'TLS1_2', mail: true }))
    .map((b) => `${b.toString('utf8')}\r\n`).join('');
  const bigSessions = 30_000;
  {
    const fd = openSync(join(root, 'big.tmp'), 'w');
    writeSync(fd, headerText());
    let chunk = '';
    for (let i = 0; i < bigSessions; i++) {
      chunk += template.replaceAll('XXXXXXXXXXXXXXXX', `08DE01${i.toString(16).toUpperCase().padStart(10, '0')}`);
      if (chunk.length > 1 << 20) { writeSync(fd, chunk); chunk = ''; }
    }
    writeSync(fd, chunk);
    closeSync(fd);
  }
  mkdirSync(dir, { recursive: true });
  renameSync(join(root, 'big.tmp'), big);

  const goneFd = openSync(gone, 'w');
  writeSync(goneFd, headerText() + render(receiveSession({ start: '2026-11-27T02:00:00.000Z', connector: HUB, id: '08DE020000000001', remote: '10.5.0.2:2000', tls: 'TLS1_0' })).map((b) => `${b}\r\n`).join(''));
  closeSync(goneFd);

  // The newest file: held open with a write handle by this process for the whole run, last line half written.
  const openFd = openSync(open, 'w');
  try {
    const sessions = [1, 2, 3].flatMap((i) => receiveSession({ start: `2026-11-27T03:00:0${i}.000Z`, connector: HUB, id: `08DE03000000000${i}`, remote: '10.5.0.3:2000', tls: 'TLS1_1' }));
    writeSync(openFd, headerText() + render(sessions).map((b) => `${b}\r\n`).join(''));
    writeSync(openFd, `2026-11-27T03:00:09.000Z,${HUB},08DE030000000009,0,10.0.0.3:25,10.5.0.`);

    const pwsh = locatePowerShell().path;
    const options = { registryExports: [minimalReg], protocolLogPaths: [root], referenceTime: '2026-11-28T12:00:00Z', computerName: 'LIVE01' };
    const child = execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', collectorScript, '-OptionsJson', JSON.stringify(options)],
      { reject: false, env: { NO_COLOR: '1' }, encoding: 'utf8' });
    let renamed = false;
    const pid = child.pid!;
    const watcher = (async () => {
      let pids = [pid];
      while (child.exitCode === null && !renamed) {
        if (pids.length === 1) pids = tree(pid);
        if (holds(pids, big)) {
          // rotation while the scanner reads: the open handle must keep working
          renameSync(big, `${big}.renamed`);
          unlinkSync(gone);
          renamed = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const result = await child;
    await watcher;
    expect(renamed).toBe(true);

    const { evidence: ev } = check({ json: JSON.parse(String(result.stdout)), stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 });
    expect(existsSync(`${big}.renamed`)).toBe(true);
    expect(ev.stats).toMatchObject({ filesFound: 3, filesScanned: 2, filesVanished: 1, filesFailed: 0, badLines: 0, partialLines: 1, sessionsUnclosed: 0 });
    expect(ev.fileErrors).toEqual([]);
    expect(peer(ev, 'receive', HUB, '10.5.0.1')).toMatchObject({ sessions: bigSessions, mailSessions: bigSessions, tlsVersions: { 'TLS 1.2': bigSessions } });
    expect(peer(ev, 'receive', HUB, '10.5.0.3')).toMatchObject({ sessions: 3, tlsVersions: { 'TLS 1.1': 3 } });
    expect(ev.peers.map((p) => p.remoteAddress)).toEqual(['10.5.0.1', '10.5.0.3']);
  } finally {
    closeSync(openFd);
  }
}, 300_000);
