// Project files on disk: read + validate, and save atomically (temp file in
// the same folder, fsync, rename, fsync the folder) so a crash mid-save never
// leaves a half-written project.
import fs from 'node:fs';
import path from 'node:path';
import { parseProject, serializeProject, ProjectError, type Project } from '../../src-shared/project/schema';

export function loadProject(file: string): Project {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProjectError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseProject(text, file);
}

export function saveProjectAtomic(file: string, project: Project): void {
  writeFileAtomic(file, serializeProject(project));
}

/** Write `text` to `file` so that a crash leaves either the old or the new content, never half of it. */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    /* some file systems refuse fsync on directories; the rename is still atomic */
  }
}
