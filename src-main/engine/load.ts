// What else the machine was doing while something was timed: the load
// average before and after, the CPU time other processes took (from
// /proc/stat, less this process's own), the hypervisor's steal, and the
// cores' clock where readable. Other programs on the same cores swing a
// figure 2-4x; a run records this so a reader can tell.
import fs from 'node:fs';
import os from 'node:os';
import type { MachineLoad, RunResult } from '../../src-shared/results';

/** Other processes using at least this many cores during a run mark it busy. */
export const BUSY_CORES = 0.25;

interface CpuTimes {
  busy: number; // jiffies
  total: number;
  steal: number;
}

function readProcStat(): CpuTimes | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq;
    return { busy, total: busy + idle + iowait + steal, steal };
  } catch {
    return null;
  }
}

function meanMhz(): number | undefined {
  try {
    const mhz = [...fs.readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
    return mhz.length ? mhz.reduce((a, b) => a + b, 0) / mhz.length : undefined;
  } catch {
    return undefined;
  }
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Starts watching; the returned function stops and says what the load was (null off Linux). */
export function watchLoad(): () => MachineLoad | null {
  const s0 = readProcStat();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const loadBefore = os.loadavg()[0];
  return () => {
    const s1 = readProcStat();
    if (!s0 || !s1 || process.platform !== 'linux') return null;
    const wallS = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const ownS = (own.user + own.system) / 1e6;
    const busyS = (s1.busy - s0.busy) / TICKS_PER_S;
    const dTotal = s1.total - s0.total;
    const cores = os.availableParallelism();
    // Jiffy counts are coarse (10 ms): below ~0.2 s the estimate is not worth reporting.
    const othersCores = wallS > 0.2 ? Math.min(cores, Math.max(0, (busyS - ownS) / wallS)) : undefined;
    const load: MachineLoad = { loadBefore, loadAfter: os.loadavg()[0] };
    if (othersCores !== undefined) load.othersCores = Number(othersCores.toFixed(2));
    if (dTotal > 0 && s1.steal > s0.steal) load.steal = Number(((s1.steal - s0.steal) / dTotal).toFixed(3));
    const mhz = meanMhz();
    if (mhz) load.mhz = Math.round(mhz);
    const reasons: string[] = [];
    if (othersCores !== undefined && othersCores >= BUSY_CORES) reasons.push(`other processes used ${othersCores.toFixed(1)} of ${cores} cores`);
    if ((load.steal ?? 0) >= 0.05) reasons.push(`the hypervisor took ${(100 * load.steal!).toFixed(0)}% of CPU time (steal)`);
    if (reasons.length) load.busy = reasons.join('; ');
    return load;
  };
}

/** The run with the machine's load in its environment; a busy machine makes its times unstable. */
export function withLoad(result: RunResult, load: MachineLoad | null): RunResult {
  if (!load) return result;
  const out: RunResult = { ...result, env: { ...result.env, load } };
  if (load.busy) out.unstable = { ...result.unstable, load: [load.busy] };
  return out;
}
