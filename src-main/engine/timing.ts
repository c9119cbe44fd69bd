// The runners' clock lives with them in src-shared (they also run in the window).
export { now, spread, PhaseClock } from '../../src-shared/workloads/timing';
