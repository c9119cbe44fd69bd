// What this machine offers the engine: CPU, ISA paths, threads, memory, the
// addon's build. The CLI prints it (`quench info`), benchmarks record it beside
// their figures and the workbench shows it; it lives here, below all three.
import fs from 'node:fs';
import os from 'node:os';
import { loadAddon } from '../native/addon';

/** The last-level cache's size in bytes (Linux sysfs; 0 where unreadable): what "out of cache" must exceed. */
export function lastLevelCacheBytes(): number {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  let best = { level: 0, bytes: 0 };
  try {
    for (const idx of fs.readdirSync(dir).filter((d) => d.startsWith('index'))) {
      const read = (f: string) => fs.readFileSync(`${dir}/${idx}/${f}`, 'utf8').trim();
      if (read('type') === 'Instruction') continue;
      const level = Number(read('level'));
      const m = /^(\d+)([KMG]?)$/.exec(read('size'));
      if (!m) continue;
      const bytes = Number(m[1]) * ({ '': 1, K: 1024, M: 2 ** 20, G: 2 ** 30 } as Record<string, number>)[m[2]];
      if (level > best.level) best = { level, bytes };
    }
  } catch {
    /* not Linux, or no sysfs */
  }
  return best.bytes;
}

export function collectInfo() {
  const native = loadAddon().info();
  return {
    quench: '0.1.0',
    node: process.versions.node,
    napi: process.versions.napi,
    platform: `${process.platform}-${process.arch}`,
    cpu: { ...native.cpu, lastLevelCacheBytes: lastLevelCacheBytes() },
    threads: { default: native.defaultThreads, reason: native.defaultThreadsReason },
    isa: { inUse: native.defaultIsa, available: native.isaAvailable, forced: process.env.QUENCH_ISA ?? null },
    memory: { totalBytes: os.totalmem(), availableBytes: native.availableMemory },
    addon: { build: native.build, napiVersion: native.napiVersion },
  };
}
