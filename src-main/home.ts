// Quench's own folder: QUENCH_HOME, default ~/.quench (recent files, crash
// recovery, the machine's fusion calibration).
import os from 'node:os';
import path from 'node:path';

export function quenchHome(explicit?: string): string {
  return path.resolve(explicit ?? process.env.QUENCH_HOME ?? path.join(os.homedir(), '.quench'));
}
