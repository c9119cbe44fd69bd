import { existsSync } from 'node:fs';
/**
 * A mistake in what the user asked for (an option, a case name, a file that
 * cannot be read): the CLI prints it without a stack and exits with code 2.
 * Below the CLI so that benchmarks and the engine can refuse a request in the
 * same words whoever called them.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file that could not be written: the message names it and says why, in words. */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  constructor(file: string, e: unknown, dir: string) {
    super(`cannot write ${file}: ${describeIoError(e as NodeJS.ErrnoException, dir)}`);
  }
}

/** An I/O error in words, with its code; `dir` is the folder a file was to be written in. */
export function describeIoError(e: NodeJS.ErrnoException, dir: string): string {
  switch (e.code) {
    case 'ENOENT': return existsSync(dir) ? `cannot create a file in ${dir} (ENOENT)` : `the folder ${dir} does not exist`;
    case 'ENOTDIR': return `${dir} is not a folder`;
    case 'EACCES': case 'EPERM': return `no permission to write in ${dir} (${e.code})`;
    case 'EROFS': return `${dir} is on a read-only file system (EROFS)`;
    case 'ENOSPC': return 'no space left on the device (ENOSPC)';
    case 'EDQUOT': return 'the disk quota is used up (EDQUOT)';
    case 'EISDIR': return 'it is a directory (EISDIR)';
    default: return e.code ? `${e.message}` : String(e.message ?? e);
  }
}
