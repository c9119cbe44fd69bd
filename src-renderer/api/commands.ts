// Workbench commands inside the page: the Electron menu (main.ts forwards
// window.quench.onCommand here) and the keyboard shortcuts (both modes) both
// dispatch here; App.vue subscribes and does the work.
import type { WorkbenchCommand } from '../../src-shared/api/commands';

export type { WorkbenchCommand };

type CommandListener = (command: WorkbenchCommand) => void;
const listeners = new Set<CommandListener>();

/** Listen to commands; returns the unsubscribe function. */
export function onWorkbenchCommand(listener: CommandListener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Run a command: every listener gets it; one that throws does not keep the others from it. */
export function dispatchWorkbenchCommand(command: WorkbenchCommand): void {
  for (const l of [...listeners]) {
    try {
      l(command);
    } catch (e) {
      console.error('quench: a workbench command handler failed', command, e);
    }
  }
}
