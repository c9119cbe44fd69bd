// The schedulers Quench submits jobs to: Slurm, the batch system of most HPC
// clusters. (Why not others: README, "Beyond one machine".)
import { SlurmScheduler } from './slurm';
import type { Scheduler } from './scheduler';

export type { Scheduler, TaskIdentity, TaskInfo, TaskPhase } from './scheduler';
export { SchedulerError, SchedulerUnavailableError } from './scheduler';

export const SCHEDULERS = ['slurm'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

export function schedulerFor(name: SchedulerName): Scheduler {
  switch (name) {
    case 'slurm':
      return new SlurmScheduler();
  }
}
