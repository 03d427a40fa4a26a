import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFleet } from '../../src/fleet/load.js';
import { UsageError } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';

const parse = (text: string) => parseFleet(text, 'fleet.yaml', '/base');

describe('fleet files', () => {
  it('applies defaults and per-server options', () => {
    const fleet = parse(`
defaults:
  transport: winrm
  throttle: 8
  timeoutSeconds: 90
  winrm: { useSsl: true, authentication: Kerberos }
  collector: { logDays: 14 }
servers:
  - name: EX01
    address: ex01.contoso.com
    dag: DAG01
    site: AMS
  - name: EX02
    transport: ssh
    port: 2222
    ssh: { userName: admin }
    collector: { logDays: 3 }
`);
    expect(fleet.throttle).toBe(8);
    expect(fleet.servers[0]).toMatchObject({
      name: 'EX01', address: 'ex01.contoso.com', transport: 'winrm', timeoutSeconds: 90,
      groups: { dag: 'DAG01', site: 'AMS', role: null }, winrm: { useSsl: true, authentication: 'Kerberos' }, collector: { logDays: 14 },
    });
    expect(fleet.servers[1]).toMatchObject({ address: 'EX02', transport: 'ssh', ssh: { userName: 'admin', port: 2222 }, collector: { logDays: 3 } });
  });

  it('reads JSON too', () => {
    expect(parse('{"servers":[{"name":"EX01","transport":"local"}]}').servers[0]!.transport).toBe('local');
  });

  it('resolves a local server\'s export paths against the fleet file and expands folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'extls-fleet-'));
    await mkdir(join(dir, 'regs'));
    await writeFile(join(dir, 'regs', 'b.reg'), '');
    await writeFile(join(dir, 'regs', 'a.reg'), '');
    await writeFile(join(dir, 'regs', 'notes.txt'), '');
    const fleet = parseFleet('servers: [{ name: X, transport: local, collector: { registryExports: [regs, /abs/x.reg] } }]', 'f', dir);
    expect(fleet.servers[0]!.collector.registryExports).toEqual([join(dir, 'regs', 'a.reg'), join(dir, 'regs', 'b.reg'), '/abs/x.reg']);
    await rm(dir, { recursive: true });
  });

  it.each([
    ['an unknown transport', 'servers: [{ name: EX01, transport: telnet }]', /servers\/0 \(EX01\)\/transport: must be equal to one of the allowed values \(winrm, ssh, local, file\)/],
    ['a misspelt field', 'servers: [{ name: EX01 }, { name: EX02, adress: x }]', /servers\/1 \(EX02\): has unknown field "adress"/],
    ['a port out of range', 'servers: [{ name: EX01, winrm: { port: 70000 } }]', /servers\/0 \(EX01\)\/winrm\/port: must be <= 65535/],
    ['no servers', 'servers: []', /servers: must NOT have fewer than 1 items/],
    ['a missing name', 'servers: [{ address: x }]', /servers\/0: must have required property 'name'/],
    ['a duplicate name', 'servers: [{ name: EX01 }, { name: ex01 }]', /servers\/1 \(ex01\): duplicate server name/],
    ['broken YAML', 'servers: [ { name: EX01 ', /fleet\.yaml:\d+:\d+: not valid YAML\/JSON/],
  ])('rejects %s with a message naming the place', (_what, text, message) => {
    expect(() => parse(text)).toThrow(UsageError);
    expect(() => parse(text)).toThrow(message);
  });

  it('exits 1 and names the field from the CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'extls-fleet-'));
    const file = join(dir, 'fleet.yaml');
    await writeFile(file, 'servers:\n  - name: EX01\n    transport: local\n  - name: EX02\n    timeoutSecs: 5\n');
    const r = await runCli(['inventory', '--fleet', file, '--out', join(dir, 'inv.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('servers/1 (EX02): has unknown field "timeoutSecs"');
    expect(r.stdout).toBe('');
    await rm(dir, { recursive: true });
  });
});
