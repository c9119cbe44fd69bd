// Keyboard shortcuts in the page (browser mode; in Electron the menu's
// accelerators send the same commands). Ctrl on Linux/Windows, Cmd on macOS.
import type { WorkbenchCommand } from '../src-shared/api/commands';

/** The command a key press means, or null. Ctrl+N is the browser's own (new window), so New is Ctrl+Alt+N here. */
export function shortcutCommand(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): WorkbenchCommand | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const k = e.key.toLowerCase();
  if (k === 's') return e.shiftKey ? 'save-as' : 'save';
  if (k === 'o' && !e.shiftKey) return 'open';
  if (k === 'n' && e.altKey) return 'new';
  if (k === 'enter') return 'run';
  return null;
}

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'Ctrl+S', what: 'Save' },
  { keys: 'Ctrl+Shift+S', what: 'Save As…' },
  { keys: 'Ctrl+O', what: 'Open…' },
  { keys: 'Ctrl+Alt+N', what: 'New project' },
  { keys: 'Ctrl+Enter', what: 'Run the selected experiment' },
];
