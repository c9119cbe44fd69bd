// Project files on disk: read + validate, and save atomically (src-main/files.ts:
// temp file in the same folder, fsync, rename, fsync the folder) so a crash
// mid-save never leaves a half-written project. A save that is interrupted (the
// process is killed between creating the temp file and renaming it) leaves its
// temp file; those are removed the next time the project is opened or saved.
import fs from 'node:fs';
import { parseProject, serializeProject, ProjectError, type Project } from '../../src-shared/project/schema';
import { removeStaleTempFiles, writeFileAtomic } from '../files';

export function loadProject(file: string): Project {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProjectError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const project = parseProject(text, file);
  removeStaleTempFiles(file);
  return project;
}

export function saveProjectAtomic(file: string, project: Project): void {
  writeFileAtomic(file, serializeProject(project));
}

