/**
 * A real Postfix (Debian package) on loopback for the probe tests, one private instance per call:
 * own config_directory, queue_directory and data_directory in a temp folder, smtpd on a free high port,
 * a generated self-signed certificate, logs on stdout via `postfix start-fg` + `maillog_file = /dev/stdout`
 * (plain `postfix start` exits 1 silently without syslog, see the reference toolchain notes).
 * Needs root (master binds and drops privileges to the `postfix` user), as in CI via scripts/setup.sh --system.
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface PostfixSetup {
  /** Used in the temp folder name and the banner host name. */
  name: string;
  /**
   * modern: TLS 1.2 and 1.3 only. legacy: TLS 1.0 to 1.3 (OpenSSL legacy security level via tls_config_file).
   * none: no certificate and smtpd_tls_security_level = none, so STARTTLS is not offered.
   */
  tls: 'modern' | 'legacy' | 'none';
  /** smtpd_tls_security_level when TLS is on; `encrypt` makes MAIL FROM without TLS get 530 5.7.0. Default `may`. */
  securityLevel?: 'may' | 'encrypt';
  /** smtpd_tls_protocols instead of the `tls` setting's, e.g. ">=TLSv1.2, <=TLSv1.2" (TLS 1.2 only). */
  protocols?: string;
  /** OpenSSL cipher list for TLS 1.2 and older (tls_high_cipherlist with smtpd_tls_ciphers = high). */
  ciphers?: string;
  /** A certificate made beforehand (makeCaSignedCert) instead of the generated self-signed one. */
  cert?: { certFile: string; keyFile: string };
}

export interface PostfixInstance {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** myhostname, also the certificate's CN. */
  hostname: string;
  certFile: string | null;
  certPem: string | null;
  logs(): string;
  stop(): Promise<void>;
}

const POSTFIX = existsSync('/usr/sbin/postfix') ? '/usr/sbin/postfix' : 'postfix';

/** A port free right now on 127.0.0.1 (the OS picks it; tiny race until Postfix binds it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Self-signed certificate with the given CN and SANs (openssl req, RSA 2048, 30 days). */
export async function makeSelfSignedCert(dir: string, cn: string, sans: string[]): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await execa('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
    '-keyout', keyFile, '-out', certFile,
    '-subj', `/CN=${cn}/O=extls tests`,
    '-addext', `subjectAltName=${sans.join(',')}`,
  ]);
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

export interface TestCa {
  dir: string;
  certFile: string;
  keyFile: string;
  certPem: string;
}

/** A private CA for certificates with chosen names and dates (openssl ca can back-date, openssl req cannot in 3.0). */
export async function makeTestCa(dir: string): Promise<TestCa> {
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  await execa('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
    '-keyout', keyFile, '-out', certFile, '-subj', '/CN=extls test CA/O=extls tests',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await writeFile(
    join(dir, 'ca.cnf'),
    [
      '[ca]', 'default_ca = test_ca', '[test_ca]', `dir = ${dir}`, 'database = $dir/index.txt', 'new_certs_dir = $dir',
      'serial = $dir/serial', 'default_md = sha256', 'policy = any', 'unique_subject = no', 'copy_extensions = copy',
      '[any]', 'commonName = supplied', 'organizationName = optional', '',
    ].join('\n'),
  );
  return { dir, certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}

/** A leaf certificate signed by the test CA, valid from `start` to `end` (YYYYMMDDHHMMSSZ). */
export async function makeCaSignedCert(
  ca: TestCa,
  name: string,
  o: { cn: string; sans: string[]; start: string; end: string },
): Promise<{ certFile: string; keyFile: string }> {
  const keyFile = join(ca.dir, `${name}-key.pem`);
  const csr = join(ca.dir, `${name}.csr`);
  const certFile = join(ca.dir, `${name}.pem`);
  await execa('openssl', [
    'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr,
    '-subj', `/CN=${o.cn}/O=extls tests`, '-addext', `subjectAltName=${o.sans.join(',')}`,
  ]);
  await execa('openssl', [
    'ca', '-batch', '-notext', '-config', join(ca.dir, 'ca.cnf'), '-cert', ca.certFile, '-keyfile', ca.keyFile,
    '-startdate', o.start, '-enddate', o.end, '-in', csr, '-out', certFile,
  ]);
  // the postfix user reads the key through the master (root) only, but the folder must be traversable
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

// Only the services smtpd needs up to MAIL FROM / RSET, none chrooted (the temp queue has no chroot jail).
// postlog carries maillog_file output.
function masterCf(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'cleanup   unix n - n - 0 cleanup',
    'qmgr      unix n - n 300 1 qmgr',
    'tlsmgr    unix - - n 1000? 1 tlsmgr',
    'rewrite   unix - - n - - trivial-rewrite',
    'bounce    unix - - n - 0 bounce',
    'defer     unix - - n - 0 bounce',
    'trace     unix - - n - 0 bounce',
    'verify    unix - - n - 1 verify',
    'proxymap  unix - - n - - proxymap',
    'anvil     unix - - n - 1 anvil',
    'scache    unix - - n - 1 scache',
    'error     unix - - n - - error',
    'postlog   unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

// OpenSSL 3 only does TLS 1.0/1.1 at security level 0; Postfix reads this through tls_config_file/tls_config_name.
const LEGACY_OPENSSL_CNF = `extls_legacy = extls_legacy_conf

[extls_legacy_conf]
ssl_conf = extls_ssl_conf

[extls_ssl_conf]
system_default = extls_tls_defaults

[extls_tls_defaults]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
`;

function mainCf(o: { dir: string; conf: string; hostname: string; setup: PostfixSetup; certFile?: string; keyFile?: string }): string {
  const lines = [
    'compatibility_level = 3.6',
    `config_directory = ${o.conf}`,
    `queue_directory = ${join(o.dir, 'queue')}`,
    `data_directory = ${join(o.dir, 'data')}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    `myhostname = ${o.hostname}`,
    'mydestination =',
    'alias_maps =',
    'alias_database =',
    'biff = no',
    'maillog_file = /dev/stdout',
    // the tests connect many times a second from 127.0.0.1; keep anvil out of the way
    'smtpd_client_connection_rate_limit = 0',
    'smtpd_client_event_limit_exceptions = 127.0.0.0/8',
  ];
  if (o.setup.tls === 'none') {
    lines.push('smtpd_tls_security_level = none');
  } else {
    const protocols = o.setup.protocols ?? (o.setup.tls === 'legacy' ? '>=TLSv1' : '>=TLSv1.2');
    lines.push(
      `smtpd_tls_security_level = ${o.setup.securityLevel ?? 'may'}`,
      `smtpd_tls_cert_file = ${o.certFile}`,
      `smtpd_tls_key_file = ${o.keyFile}`,
      `smtpd_tls_protocols = ${protocols}`,
      `smtpd_tls_mandatory_protocols = ${protocols}`,
      'smtpd_tls_loglevel = 1',
    );
    if (o.setup.ciphers) {
      lines.push(`tls_high_cipherlist = ${o.setup.ciphers}`, 'smtpd_tls_ciphers = high', 'smtpd_tls_mandatory_ciphers = high');
    }
    if (o.setup.tls === 'legacy') {
      lines.push(`tls_config_file = ${join(o.conf, 'openssl-legacy.cnf')}`, 'tls_config_name = extls_legacy');
    }
  }
  return lines.join('\n') + '\n';
}

/** Connect and read the greeting; resolves with it, rejects when nothing complete arrives. */
function readBanner(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const done = (err: Error | null): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(text);
    };
    const timer = setTimeout(() => done(new Error('no banner')), timeoutMs);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      // the last line of a (possibly multi-line) reply is "220 ..."
      if (/^220 .*\r?\n/m.test(text)) {
        socket.end('QUIT\r\n');
        done(null);
      }
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error(`closed before a 220 banner: ${JSON.stringify(text)}`)));
  });
}

async function waitForBanner(port: number, proc: Promise<unknown>, logs: () => string, timeoutMs: number): Promise<void> {
  let exited = false;
  void proc.finally(() => (exited = true)).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`postfix exited during start-up:\n${logs()}`);
    }
    try {
      await readBanner(port, 2000);
      return;
    } catch (err) {
      last = (err as Error).message;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`postfix did not answer with a 220 banner on port ${port} within ${timeoutMs} ms (${last}):\n${logs()}`);
}

export async function startPostfix(setup: PostfixSetup): Promise<PostfixInstance> {
  if (process.getuid?.() !== 0) {
    throw new Error('the Postfix probe tests need root (Postfix master drops privileges to the postfix user); run them as root as CI does');
  }
  const dir = await mkdtemp(join(tmpdir(), `extls-postfix-${setup.name}-`));
  // mkdtemp makes the folder 0700; the postfix user must traverse it to reach its queue and data folders
  await chmod(dir, 0o755);
  const conf = join(dir, 'conf');
  // postfix chdirs into queue_directory first, so it must exist. data_directory must NOT be made here:
  // `postfix check` creates it owned by postfix, while a root-owned one stops the master (master.lock: EACCES).
  for (const sub of ['conf', 'queue']) await mkdir(join(dir, sub));
  const hostname = `mx-${setup.name}.extls.test`;
  const port = await freePort();
  let certFile: string | undefined;
  let keyFile: string | undefined;
  if (setup.cert) {
    ({ certFile, keyFile } = setup.cert);
  } else if (setup.tls !== 'none') {
    ({ certFile, keyFile } = await makeSelfSignedCert(conf, hostname, [`DNS:${hostname}`, 'DNS:localhost', 'IP:127.0.0.1']));
  }
  if (setup.tls === 'legacy') await writeFile(join(conf, 'openssl-legacy.cnf'), LEGACY_OPENSSL_CNF);
  await writeFile(join(conf, 'main.cf'), mainCf({ dir, conf, hostname, setup, ...(certFile ? { certFile, keyFile } : {}) }));
  await writeFile(join(conf, 'master.cf'), masterCf(port));

  // `postfix check` creates the queue folders with the owners and modes postfix-files prescribes
  // (owned by postfix, maildrop/public group postdrop); its warnings go to the error message if it fails.
  // -v: without syslog, check's fatal reasons only show on stderr in verbose mode
  const check = await execa(POSTFIX, ['-v', '-c', conf, 'check'], { reject: false, all: true });
  if (check.exitCode !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`postfix check failed for ${conf}:\n${check.all?.split('\n').filter((l) => !/: (name_mask|dict_|mail_dict|set_eugid|open_as|vstream)/.test(l)).slice(-20).join('\n')}`);
  }

  // maillog_file = /dev/stdout reopens the child's fd 1. Node's stdio "pipes" are UNIX sockets, which cannot be
  // opened through /dev/stdout (ENXIO: postlog fails and start-fg exits 1 without a word), so fd 1 is a real file.
  const logFile = join(dir, 'postfix.log');
  // (execa's { file } target is fed through a stream, so hand the child a file descriptor itself)
  // (execa's types only list fds 3-9; any open descriptor works at run time)
  const logFd = openSync(logFile, 'a') as 3;
  const proc = (() => {
    try {
      return execa(POSTFIX, ['-c', conf, 'start-fg'], { reject: false, stdin: 'ignore', stdout: logFd, stderr: logFd });
    } finally {
      closeSync(logFd); // the child has its own copy
    }
  })();
  const logs = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  let stopped = false;
  let finalLogs: string | null = null;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // `postfix stop` signals the master through its pid file; the master stops its children
    await execa(POSTFIX, ['-c', conf, 'stop'], { reject: false, timeout: 15000 });
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      proc.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10000))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      const pid = Number((await readFile(join(dir, 'queue', 'pid', 'master.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      proc.kill('SIGKILL');
      await proc;
    }
    finalLogs = logs();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForBanner(port, proc, logs, 30000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    dir,
    hostname,
    certFile: certFile ?? null,
    certPem: certFile ? await readFile(certFile, 'utf8') : null,
    logs: () => finalLogs ?? logs(),
    stop,
  };
}
