// `quench info`: what this machine offers the engine.
import { FALLBACK_FUSION, machineCalibration } from '../backend/fusion-calibration';
import { webGpuInfo } from '../backend/webgpu-node';
import { collectInfo } from '../engine/machine-info';

export async function runInfo(opts: { json?: boolean }): Promise<number> {
  // WebGPU too: the adapter Dawn finds here (a GPU, or SwiftShader), or why there is none.
  const machine = collectInfo();
  const calibration = machineCalibration(machine.isa.inUse);
  const info = { ...machine, fusion: calibration ? { calibration } : { default: FALLBACK_FUSION, calibration: null }, webgpu: await webGpuInfo() };
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
      `ISA        in use: ${info.isa.inUse}; available: ${info.isa.available.join(', ')}; avx2 ${yes(info.cpu.avx2)}, fma ${yes(info.cpu.fma)}, avx512f ${yes(info.cpu.avx512f)}, avx512dq/bw/vl ${yes(info.cpu.avx512dq && info.cpu.avx512bw && info.cpu.avx512vl)}` +
        (info.isa.forced ? ` (QUENCH_ISA=${info.isa.forced})` : ''),
      `Memory     ${gib(info.memory.availableBytes)} available of ${gib(info.memory.totalBytes)}`,
      `Fusion     ${
        calibration
          ? `calibrated ${calibration.measuredAt.slice(0, 10)} (quench bench gates): ${calibration.entries.map((e) => `${e.qubits}q → width ${e.best}`).join(', ')}; a circuit takes the width of the largest size ≤ its own`
          : `width ${FALLBACK_FUSION} (not calibrated for ${machine.isa.inUse} here: quench bench gates measures the widths and stores the fastest)`
      }`,
      `Addon      ${info.addon.build}`,
      `WebGPU     ${info.webgpu.available ? `${info.webgpu.adapter} (f32 only; kernel times by ${info.webgpu.timing})` : `not available: ${info.webgpu.reason}`}`,
    ].join('\n') + '\n',
  );
  return 0;
}
