// Workbench commands: what the application menu (Electron) and the keyboard
// shortcuts (both modes) ask the UI to do. The UI does the work (it knows about
// unsaved edits and the selected experiment); menus and shortcuts only name it.

export type WorkbenchCommand = 'new' | 'open' | 'save' | 'save-as' | 'run' | { open: string };

const NAMED = ['new', 'open', 'save', 'save-as', 'run'] as const satisfies readonly Exclude<WorkbenchCommand, object>[];

/** A value that crossed a process boundary: is it one of the commands above? */
export function isWorkbenchCommand(value: unknown): value is WorkbenchCommand {
  if (typeof value === 'string') return (NAMED as readonly string[]).includes(value);
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  const open = (value as { open?: unknown }).open;
  return keys.length === 1 && keys[0] === 'open' && typeof open === 'string' && open.length > 0;
}
