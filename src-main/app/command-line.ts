// The project named on the command line: `electron . x.quench.json`,
// `npm start -- x.quench.json`, or the packaged app with a file argument
// (also how a second instance hands its file to the first).
import path from 'node:path';

export type CommandLineProject = { file: string } | { error: string } | null;

/**
 * `defaultApp` is process.defaultApp: true when run as `electron <app> …` (the
 * app's path is argv[1]), false in a packaged build (arguments start at argv[1]).
 * Chromium and Electron switches (--no-sandbox, --inspect=…) are skipped.
 */
export function projectFromArgv(argv: readonly string[], defaultApp: boolean, cwd: string): CommandLineProject {
  const positional = argv.slice(defaultApp ? 2 : 1).filter((a) => a && !a.startsWith('-'));
  if (positional.length === 0) return null;
  const [arg] = positional;
  if (!arg.endsWith('.json')) return { error: `'${arg}' is not a project file (it must end in .quench.json)` };
  return { file: path.resolve(cwd, arg) };
}
