// Plain ESM JavaScript so that both the jest tests and bench/ (run by plain node) use the same code.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));

/**
 * Start Debian's openssh-server on loopback with its own config, host key and authorized_keys, and the
 * PowerShell subsystem, so tests use real PowerShell SSH remoting (Invoke-Command -HostName).
 */
export async function startSshd(portCount, pwsh) {
  if (!SSHD) throw new Error('sshd not found: run `bash scripts/setup.sh --system` (installs openssh-server)');
  const dir = await mkdtemp(join(tmpdir(), 'extls-sshd-'));
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${userKey}.pub`));
  const ports = [];
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
  const child = execa(SSHD, ['-D', '-e', '-f', configFile], { reject: false, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => (log += d.toString()));
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

async function waitForBanner(ports, log, child) {
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

function answers(port) {
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
