// Progress for long benchmarks: a cli-progress bar on a terminal, plain
// lines on stderr when piped (so stdout stays clean for --json).
import cliProgress from 'cli-progress';

export interface Progress {
  step(label: string): void;
  stop(): void;
}

export function makeProgress(total: number, enabled: boolean): Progress {
  if (!enabled && !process.stderr.isTTY) return { step: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    let i = 0;
    return { step: (label) => process.stderr.write(`[${++i}/${total}] ${label}\n`), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {value}/{total} {label}', stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    step: (label) => bar.increment(1, { label }),
    stop: () => bar.stop(),
  };
}
