// The one way extls reads a file it was given (fleet files, drop files, inventories, findings, probe results,
// policies, templates, CA files): opened non-blocking, checked on the open descriptor (fstat) to be a regular file
// below a size limit, and read within a time limit. A FIFO, a device or a socket put where a file was expected
// (even swapped in after an earlier look) is refused at once instead of blocking forever, and a file too large
// for memory is refused by its size before a byte is read.
import { close, closeSync, constants, createReadStream, fstat, fstatSync, open, openSync, read, readSync, type ReadStream, type Stats } from 'node:fs';
import { promisify } from 'node:util';

export const DEFAULT_MAX_FILE_MB = 64;
export const DEFAULT_READ_TIMEOUT_SECONDS = 60;
/**
 * Documents extls wrote itself and reads whole (a findings document, an inventory in a layout that cannot be
 * streamed, probe results): what one JavaScript string can hold (V8: 2^29 - 24 characters) is the real bound.
 */
const DOCUMENT_MAX_MB = 512;

const MIB = 1024 * 1024;

export interface ReadLimits {
  /** a larger file is refused without reading it */
  maxBytes: number;
  /** opening and reading the whole file (or each read of a stream) must finish within this */
  timeoutMs: number;
  /** where the size limit is set, for the message ("fleet defaults.maxFileMB") */
  sizeSetting: string;
}

/** Files collected from servers or written by people: fleet files, drop files, policies, templates, CA files. */
export const defaultReadLimits: ReadLimits = {
  maxBytes: DEFAULT_MAX_FILE_MB * MIB,
  timeoutMs: DEFAULT_READ_TIMEOUT_SECONDS * 1000,
  sizeSetting: 'fleet defaults.maxFileMB',
};

/** Documents extls wrote (findings, inventories, probe results) read whole. */
export const documentReadLimits: ReadLimits = {
  maxBytes: DOCUMENT_MAX_MB * MIB,
  timeoutMs: 10 * 60 * 1000,
  sizeSetting: 'the most one document read whole can hold',
};

/** The fleet file's settings (defaults.maxFileMB, defaults.readTimeoutSeconds) over the defaults. */
export function readLimitsOf(settings: { maxFileMB?: number; readTimeoutSeconds?: number } | undefined): ReadLimits {
  return {
    maxBytes: (settings?.maxFileMB ?? DEFAULT_MAX_FILE_MB) * MIB,
    timeoutMs: (settings?.readTimeoutSeconds ?? DEFAULT_READ_TIMEOUT_SECONDS) * 1000,
    sizeSetting: 'fleet defaults.maxFileMB',
  };
}

/** A file that could not be read, or was refused; the message starts with the path. */
export class FileReadError extends Error {
  constructor(
    readonly path: string,
    /** what went wrong, without the path ("not a regular file (a FIFO)", "ENOENT") */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

/** O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer (none on Windows). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);
const closeAsync = promisify(close);
const readAsync = promisify(read);

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

const megabytes = (bytes: number): string => {
  const mb = bytes / MIB;
  return mb >= 10 || Number.isInteger(mb) ? String(Math.floor(mb)) : mb.toFixed(1);
};

/** Why the open file cannot be read, or null: a regular file within the size limit. */
function refusal(st: Stats, limits: ReadLimits): string | null {
  if (!st.isFile()) return `not a regular file (${kindOf(st)})`;
  if (st.size > limits.maxBytes) return `${megabytes(st.size)} MB, larger than the limit of ${megabytes(limits.maxBytes)} MB (${limits.sizeSetting})`;
  return null;
}

const tooLarge = (limits: ReadLimits) => `grew past the limit of ${megabytes(limits.maxBytes)} MB while it was read (${limits.sizeSetting})`;

const ioReason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/**
 * Waits for `p` until the deadline. A read in the thread pool cannot be cancelled: on a time-out the caller stops
 * waiting and moves on (a hung share costs one pool thread, not the run).
 */
function beforeDeadline<T>(p: Promise<T>, deadline: number, path: string, limits: ReadLimits): Promise<T> {
  const left = deadline - Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FileReadError(path, `not read within ${Math.round(limits.timeoutMs / 1000)} s`)), Math.max(0, left));
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** An open descriptor of a regular file within the limit, its size and time. */
async function openChecked(path: string, limits: ReadLimits, deadline: number): Promise<{ fd: number; stats: Stats }> {
  let fd: number;
  try {
    fd = await beforeDeadline(openAsync(path, OPEN_FLAGS), deadline, path, limits);
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(path, ioReason(err));
  }
  try {
    const stats = await beforeDeadline(fstatAsync(fd), deadline, path, limits);
    const why = refusal(stats, limits);
    if (why) throw new FileReadError(path, why);
    return { fd, stats };
  } catch (err) {
    void closeAsync(fd).catch(() => undefined);
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(path, ioReason(err));
  }
}

/** The size of a file without opening it (for scheduling reads), or 0 when it cannot be looked at. */
export function sizeHint(stats: Stats | undefined): number {
  return stats?.isFile() ? stats.size : 0;
}

/** The bytes of a regular file within the limits, and its modification time. Throws FileReadError. */
export async function readFileChecked(path: string, limits: ReadLimits = defaultReadLimits): Promise<{ bytes: Buffer; mtime: Date }> {
  const deadline = Date.now() + limits.timeoutMs;
  const { fd, stats } = await openChecked(path, limits, deadline);
  try {
    // one buffer of the size fstat gave, and one byte more to notice a file that grew since
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let used = 0;
    for (;;) {
      if (used === buffer.length) {
        if (buffer.length > limits.maxBytes) throw new FileReadError(path, tooLarge(limits));
        const bigger = Buffer.allocUnsafe(Math.min(limits.maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, used);
        buffer = bigger;
      }
      const { bytesRead } = await beforeDeadline(readAsync(fd, buffer, used, buffer.length - used, null), deadline, path, limits);
      if (bytesRead === 0) break;
      used += bytesRead;
    }
    if (used > limits.maxBytes) throw new FileReadError(path, tooLarge(limits));
    return { bytes: buffer.subarray(0, used), mtime: stats.mtime };
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(path, ioReason(err));
  } finally {
    void closeAsync(fd).catch(() => undefined);
  }
}

/** UTF-8 text without a BOM. */
export async function readTextChecked(path: string, limits: ReadLimits = defaultReadLimits): Promise<{ text: string; mtime: Date }> {
  const { bytes, mtime } = await readFileChecked(path, limits);
  return { text: bytes.toString('utf8').replace(/^\uFEFF/, ''), mtime };
}

/**
 * The same checks for the few synchronous readers (templates, policies: small files read once at start). The time
 * limit is checked between reads: a synchronous read cannot be interrupted.
 */
export function readTextCheckedSync(path: string, limits: ReadLimits = defaultReadLimits): string {
  const deadline = Date.now() + limits.timeoutMs;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw new FileReadError(path, ioReason(err));
  }
  try {
    const stats = fstatSync(fd);
    const why = refusal(stats, limits);
    if (why) throw new FileReadError(path, why);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (Date.now() > deadline) throw new FileReadError(path, `not read within ${Math.round(limits.timeoutMs / 1000)} s`);
      const chunk = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(stats.size + 1, 4 * MIB)));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limits.maxBytes) throw new FileReadError(path, tooLarge(limits));
    }
    return Buffer.concat(chunks, total).toString('utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw new FileReadError(path, ioReason(err));
  } finally {
    closeSync(fd);
  }
}

/**
 * A UTF-8 stream of a regular file (inventories are streamed, so their size is not limited: memory does not grow
 * with it). Each read must finish within the time limit, or the stream fails with a FileReadError.
 */
export async function openTextStream(path: string, limits: ReadLimits = documentReadLimits): Promise<ReadStream> {
  const { fd } = await openChecked(path, { ...limits, maxBytes: Number.MAX_SAFE_INTEGER }, Date.now() + limits.timeoutMs);
  const timedRead: typeof read = ((...args: Parameters<typeof read>) => {
    const callback = args[args.length - 1] as (err: NodeJS.ErrnoException | null, bytesRead: number, buffer: Buffer) => void;
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(new FileReadError(path, `a read took longer than ${Math.round(limits.timeoutMs / 1000)} s`) as NodeJS.ErrnoException, 0, Buffer.alloc(0));
    }, limits.timeoutMs);
    (read as (...a: unknown[]) => void)(...args.slice(0, -1), (err: NodeJS.ErrnoException | null, n: number, b: Buffer) => {
      if (settled) return;
      clearTimeout(timer);
      callback(err, n, b);
    });
  }) as typeof read;
  return createReadStream(path, { fd, encoding: 'utf8', fs: { read: timedRead, close, open } as never });
}

/** "cannot read <what> <path>: <reason>" for a FileReadError or any other error of a read. */
export function readFailure(what: string, path: string, err: unknown): string {
  const reason = err instanceof FileReadError ? err.reason : ioReason(err);
  return `cannot read ${what} ${path}: ${reason}`;
}
