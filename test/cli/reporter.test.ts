// The shared reporter every long command uses: events in; a bar on a terminal, plain lines on a pipe, nothing quiet.
import { createReporter } from '../../src/cli/reporter.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => (chunks.push(s), true), columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => undefined, removeListener: () => undefined } };
}

describe('createReporter', () => {
  it('writes one plain line per item with count, outcome and time on a pipe', () => {
    const { chunks, stream } = sink(false);
    const r = createReporter('inventory', 'servers', { stream });
    r.start(2);
    r.item({ name: 'EX01', ok: true, durationMs: 1500 });
    r.item({ name: 'EX02', ok: false, detail: 'unreachable: refused' });
    r.debug('driver chatter');
    r.info('2 servers, 1 ok, 1 failed');
    r.stop();
    expect(chunks.join('')).toBe(
      'inventory: [1/2] EX01 ok 1.5s\ninventory: [2/2] EX02 FAILED: unreachable: refused\ninventory: 2 servers, 1 ok, 1 failed\n',
    );
  });

  it('counts without a total when the total is not known', () => {
    const { chunks, stream } = sink(false);
    const r = createReporter('inventory', 'servers', { stream });
    r.start(0);
    r.item({ name: 'EX01', ok: true });
    expect(chunks.join('')).toBe('inventory: [1] EX01 ok\n');
  });

  it('shows debug lines only with verbose', () => {
    const { chunks, stream } = sink(false);
    createReporter('inventory', 'servers', { stream, verbose: true }).debug('ssh: hello');
    expect(chunks.join('')).toBe('inventory: ssh: hello\n');
  });

  it('with quiet shows only warnings', () => {
    const { chunks, stream } = sink(true);
    const r = createReporter('probe', 'endpoints', { stream, quiet: true });
    r.start(3);
    r.item({ name: 'a', ok: true });
    r.info('done');
    r.warn('1 of 3 endpoint(s) could not be probed');
    r.stop();
    expect(chunks.join('')).toBe('probe: 1 of 3 endpoint(s) could not be probed\n');
  });

  it('draws a bar with the total from the start on a terminal, and no per-item lines', () => {
    const { chunks, stream } = sink(true);
    const r = createReporter('probe', 'endpoints', { stream });
    r.start(4);
    const first = chunks.join('');
    r.item({ name: 'mx1', ok: false, detail: 'refused' });
    r.stop();
    expect(first).toContain('0/4 endpoints');
    const all = chunks.join('');
    expect(all).toContain('1/4 endpoints | 1 failed | last: mx1 failed');
    expect(all).not.toContain('[1/4]');
  });

  it('with progress json writes one JSON event per call: start with the total, items with counts, end', () => {
    const { chunks, stream } = sink(true);
    const r = createReporter('inventory', 'servers', { stream, progress: 'json' });
    r.start(2);
    r.item({ name: 'EX01', ok: true, durationMs: 1500 });
    r.item({ name: 'EX02', ok: false, detail: 'unreachable: refused' });
    r.debug('driver chatter');
    r.stop();
    r.stop();
    r.info('2 servers, 1 ok, 1 failed');
    expect(chunks.map((c) => JSON.parse(c))).toEqual([
      { event: 'start', command: 'inventory', unit: 'servers', total: 2 },
      { event: 'item', name: 'EX01', ok: true, durationMs: 1500, done: 1, failed: 0, total: 2 },
      { event: 'item', name: 'EX02', ok: false, detail: 'unreachable: refused', done: 2, failed: 1, total: 2 },
      { event: 'end', done: 2, failed: 1, total: 2 },
      { event: 'info', message: '2 servers, 1 ok, 1 failed' },
    ]);
    expect(chunks.every((c) => c.endsWith('\n') && !c.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('with progress json gives an unknown total as null and starts before the first item even when start was not called', () => {
    const { chunks, stream } = sink(false);
    const r = createReporter('runbooks', 'runbooks', { stream, progress: 'json', verbose: true });
    r.item({ name: 'EX\u00c9', ok: true });
    r.debug('ssh: hello');
    r.stop();
    expect(chunks.map((c) => JSON.parse(c))).toEqual([
      { event: 'start', command: 'runbooks', unit: 'runbooks', total: null },
      { event: 'item', name: 'EX\u00c9', ok: true, done: 1, failed: 0, total: null },
      { event: 'debug', message: 'ssh: hello' },
      { event: 'end', done: 1, failed: 0, total: null },
    ]);
    // ASCII only: a Windows PowerShell reader never meets an encoding question
    expect([...chunks.join('')].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });
});
