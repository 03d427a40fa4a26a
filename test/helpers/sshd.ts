import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { freePort } from './net.js';

export interface SshdInstance {
  /** loopback ports this sshd listens on: each stands for one server */
  ports: number[];
  userName: string;
  keyFilePath: string;
  /** known_hosts with this sshd's host key for every port: no StrictHostKeyChecking=no needed */
  knownHostsFile: string;
  dir: string;
  stop(): Promise<void>;
}

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));

/**
 * Start Debian's openssh-server on loopback with its own config, host key and authorized_keys, and the
 * PowerShell subsystem, so tests use real PowerShell SSH remoting (Invoke-Command -HostName).
 */
export async function startSshd(portCount: number): Promise<SshdInstance> {
  if (!SSHD) throw new Error('sshd not found: run `bash scripts/setup.sh --system` (installs openssh-server)');
  const dir = await mkdtemp(join(tmpdir(), 'extls-sshd-'));
  const pwsh = locatePowerShell().path;
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${userKey}.pub`));
  const ports: number[] = [];
  for (let i = 0; i < portCount; i++) ports.push(await freePort());
  const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(knownHostsFile, ports.map((p) => `[127.0.0.1]:${p} ${hostPub}\n`).join(''));
  // sshd wants its privilege-separation directory.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true });
  const config = [
    ...ports.map((p) => `Port ${p}`),
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    `PidFile ${join(dir, 'sshd.pid')}`,
    'MaxStartups 100:30:200',
    'MaxSessions 100',
    `Subsystem powershell ${pwsh} -sshs -NoLogo`,
  ].join('\n');
  const configFile = join(dir, 'sshd_config');
  await writeFile(configFile, config + '\n');
  const child: ResultPromise = execa(SSHD, ['-D', '-e', '-f', configFile], { reject: false, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForBanner(ports, () => log, child);
  return {
    ports,
    userName: userInfo().username,
    keyFilePath: userKey,
    knownHostsFile,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await child;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForBanner(ports: number[], log: () => string, child: ResultPromise): Promise<void> {
  const deadline = Date.now() + 15000;
  let exited = false;
  void child.then(() => (exited = true));
  for (const port of ports) {
    for (;;) {
      if (exited) throw new Error(`sshd exited: ${log()}`);
      if (await answers(port)) break;
      if (Date.now() > deadline) throw new Error(`sshd did not answer on ${port}: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('SSH-'));
    });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
