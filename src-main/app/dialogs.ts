// Native file dialogs behind the API's chooseFile(kind): Open and Import pick
// an existing project file, Save picks where to write one. The dialog module
// and the parent window are parameters so the tests drive fakes.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { ApiError, type FileDialogKind } from '../../src-shared/api/contract';

/** The part of Electron's `dialog` used here. */
export interface DialogLike {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

const PROJECT_FILTERS = [{ name: 'Quench project', extensions: ['json'] }];
export const PROJECT_SUFFIX = '.quench.json';
export const DEFAULT_PROJECT_NAME = 'project.quench.json';

/**
 * chooseFile for the Workbench: the chosen path, or null when the user cancels.
 * A file that is not a project file is refused with a message naming it.
 * `defaultDir` is where the dialogs start (the open project's folder, else Documents).
 */
export function fileChooser(dialog: DialogLike, getWindow: () => BrowserWindow | null, defaultDir: () => string): (kind: FileDialogKind) => Promise<string | null> {
  const withWindow = {
    open: (o: OpenDialogOptions) => {
      const w = getWindow();
      return w && !w.isDestroyed() ? dialog.showOpenDialog(w, o) : dialog.showOpenDialog(o);
    },
    save: (o: SaveDialogOptions) => {
      const w = getWindow();
      return w && !w.isDestroyed() ? dialog.showSaveDialog(w, o) : dialog.showSaveDialog(o);
    },
  };

  return async (kind) => {
    if (kind === 'open' || kind === 'import') {
      const r = await withWindow.open({
        title: kind === 'open' ? 'Open a Quench project' : 'Import results from a Quench project',
        buttonLabel: kind === 'open' ? 'Open' : 'Import',
        defaultPath: defaultDir(),
        properties: ['openFile'],
        filters: PROJECT_FILTERS,
      });
      const file = r.canceled ? undefined : r.filePaths[0];
      if (!file) return null;
      if (!file.endsWith(PROJECT_SUFFIX)) {
        throw new ApiError(`'${path.basename(file)}' is not a Quench project file: its name must end in ${PROJECT_SUFFIX}`, 'bad-argument');
      }
      return file;
    }
    if (kind === 'save') {
      const r = await withWindow.save({
        title: 'Save the Quench project',
        defaultPath: path.join(defaultDir(), DEFAULT_PROJECT_NAME),
        filters: PROJECT_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (r.canceled || !r.filePath) return null;
      return projectFileName(r.filePath);
    }
    throw new ApiError(`chooseFile: unknown kind '${String(kind)}' (open, save, import)`, 'bad-argument');
  };
}

/**
 * The file a Save dialog's answer names. Dialogs on Linux do not add the
 * extension: a bare name gets .quench.json, unless that would silently replace
 * a file the user was never asked about. Any other extension is refused.
 */
export function projectFileName(chosen: string, exists: (file: string) => boolean = fs.existsSync): string {
  if (chosen.endsWith(PROJECT_SUFFIX)) return chosen;
  const base = path.basename(chosen);
  if (!base.includes('.')) {
    const file = chosen + PROJECT_SUFFIX;
    if (exists(file)) throw new ApiError(`'${path.basename(file)}' already exists; choose it by its full name to replace it`, 'bad-argument');
    return file;
  }
  throw new ApiError(`'${base}' is not a Quench project file name: it must end in ${PROJECT_SUFFIX}`, 'bad-argument');
}
