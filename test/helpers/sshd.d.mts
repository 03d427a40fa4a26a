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
/** Start Debian's openssh-server on loopback with the PowerShell subsystem (pwsh = path to pwsh). */
export function startSshd(portCount: number, pwsh: string): Promise<SshdInstance>;
