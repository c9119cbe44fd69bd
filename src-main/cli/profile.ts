// `quench profile FILE --experiment ID [--json] [--html OUT] [--no-trials]`:
// profiles one experiment of a project headless (see src-main/profile).
import path from 'node:path';
import { checkCanSave, writeFileAtomic } from '../files';
import { loadProject } from '../project/store';
import { makeProgress } from '../bench/progress';
import { profileExperiment, profileSteps } from '../profile/profile';
import { formatProfile, profileHtml } from '../profile/report';
import { UsageError } from '../errors';

export interface ProfileCliOptions {
  experiment: string;
  json?: boolean;
  html?: string;
  trials?: boolean;
}

export async function runProfile(file: string, opts: ProfileCliOptions): Promise<number> {
  const project = loadProject(file);
  const e = project.experiments.find((x) => x.id === opts.experiment);
  if (!e) throw new UsageError(`${file} has no experiment '${opts.experiment}' (it has: ${project.experiments.map((x) => x.id).join(', ')})`);
  if (opts.html) checkCanSave(opts.html, '--html'); // before the profile's minute of work
  const progress = makeProgress(profileSteps(e, opts.trials !== false), !opts.json);
  const profile = await profileExperiment(e, { baseDir: path.dirname(path.resolve(file)), trials: opts.trials, onStep: (l) => progress.step(l) });
  progress.stop();
  if (opts.html) {
    writeFileAtomic(opts.html, profileHtml(profile));
    if (!opts.json) process.stderr.write(`quench: wrote the HTML report to ${opts.html}\n`);
  }
  process.stdout.write(opts.json ? JSON.stringify(profile, null, 2) + '\n' : formatProfile(profile));
  return 0;
}
