// `quench info`: what this machine offers the engine.
import fs from 'node:fs';
import os from 'node:os';
import { webGpuInfo } from '../backend/webgpu-node';
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

export async function runInfo(opts: { json?: boolean }): Promise<number> {
  // WebGPU too: the adapter Dawn finds here (a GPU, or SwiftShader), or why there is none.
  const info = { ...collectInfo(), webgpu: await webGpuInfo() };
  if (opts.json) {
    process.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return 0;
  }
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  process.stdout.write(
    [
      `Quench ${info.quench} (Node ${info.node}, N-API ${info.napi}, ${info.platform})`,
      `CPU        ${info.cpu.model}, ${info.cpu.logicalCores} logical cores` + (info.cpu.lastLevelCacheBytes ? `, last-level cache ${(info.cpu.lastLevelCacheBytes / 2 ** 20).toFixed(0)} MiB` : ''),
      `Threads    default ${info.threads.default} (${info.threads.reason}; the pool runs alone when the other cores are busy)`,
      `ISA        in use: ${info.isa.inUse}; available: ${info.isa.available.join(', ')}; avx2 ${yes(info.cpu.avx2)}, fma ${yes(info.cpu.fma)}, avx512f ${yes(info.cpu.avx512f)}` +
        (info.isa.forced ? ` (QUENCH_ISA=${info.isa.forced})` : ''),
      `Memory     ${gib(info.memory.availableBytes)} available of ${gib(info.memory.totalBytes)}`,
      `Addon      ${info.addon.build}`,
      `WebGPU     ${info.webgpu.available ? `${info.webgpu.adapter} (f32 only; kernel times by ${info.webgpu.timing})` : `not available: ${info.webgpu.reason}`}`,
    ].join('\n') + '\n',
  );
  return 0;
}
