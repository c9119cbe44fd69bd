// The application menu. Items name a WorkbenchCommand and send it to the page;
// the UI does the work (it asks before replacing unsaved edits, it knows which
// experiment is selected). The template is a plain function of its inputs so
// the tests can read it without Electron.
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { WorkbenchCommand } from '../../src-shared/api/commands';

export interface MenuInputs {
  /** Project files opened or saved here, newest first (ServerInfo.recentFiles). */
  recentFiles: readonly string[];
  /** Dev tools only in development builds. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
  send: (command: WorkbenchCommand) => void;
}

/** Recent files shown in File → Open Recent. */
export const MAX_RECENT = 10;

export function menuTemplate({ recentFiles, isPackaged, platform, send }: MenuInputs): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (label: string, command: WorkbenchCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });

  const recent: MenuItemConstructorOptions[] = recentFiles.length
    ? recentFiles.slice(0, MAX_RECENT).map((file) => ({
        // the name first, the folder after it: long paths stay readable
        label: `${path.basename(file)} — ${path.dirname(file)}`,
        click: () => send({ open: file }),
      }))
    : [{ label: 'No recent projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('&New Project', 'new', 'CmdOrCtrl+N'),
      item('&Open…', 'open', 'CmdOrCtrl+O'),
      { label: 'Open &Recent', submenu: recent },
      { type: 'separator' },
      item('&Save', 'save', 'CmdOrCtrl+S'),
      item('Save &As…', 'save-as', 'CmdOrCtrl+Shift+S'),
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: '&Quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const run: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [item('Run Selected &Experiment', 'run', 'CmdOrCtrl+Enter')],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const app: MenuItemConstructorOptions[] = mac ? [{ role: 'appMenu' }] : [];
  const window: MenuItemConstructorOptions[] = mac ? [{ role: 'windowMenu' }] : [];
  return [...app, file, edit, run, view, ...window];
}
