// Which machine made a run, for comparisons that must not mix hardware:
// results from different CPUs are never pooled into one statistic. A run's
// machine is its CPU model (env.cpu); the node's name (env.host, recorded by
// runs a cluster job made) is kept for the label. Runs on several nodes with
// the same CPU model do pool: that is how repeats across a homogeneous
// partition of a cluster are meant to be read.
import type { Run } from '../project/schema';

/** The CPU model that made the run, or null for a run without a result. */
export function runMachine(r: Run): string | null {
  return r.result?.env.cpu ?? null;
}

export interface MachineGroup {
  /** The CPU model. */
  machine: string;
  /** The node names among its runs (cluster jobs record them), in the order first seen. */
  hosts: string[];
  runs: Run[];
}

/** Runs with a result by the CPU that made them, in the order first seen. */
export function groupByMachine(runs: readonly Run[]): MachineGroup[] {
  const groups = new Map<string, MachineGroup>();
  for (const r of runs) {
    const machine = runMachine(r);
    if (machine === null) continue;
    let g = groups.get(machine);
    if (!g) groups.set(machine, (g = { machine, hosts: [], runs: [] }));
    g.runs.push(r);
    const host = r.result?.env.host;
    if (host && !g.hosts.includes(host)) g.hosts.push(host);
  }
  return [...groups.values()];
}

/** 'Xeon Gold 6130 (node12, node13)': a machine group in words. */
export function machineLabel(g: Pick<MachineGroup, 'machine' | 'hosts'>): string {
  const hosts = g.hosts.length > 3 ? `${g.hosts.slice(0, 3).join(', ')} and ${g.hosts.length - 3} more` : g.hosts.join(', ');
  return hosts ? `${g.machine} (${hosts})` : g.machine;
}
