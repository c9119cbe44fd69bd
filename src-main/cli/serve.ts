// `quench serve [FILE] [--port N]`: start the workbench back end and keep it
// running until Ctrl-C / SIGTERM, which cancels a run in progress first.
import { exitProcess } from '../backend/webgpu-node';
import { startServer } from '../serve/server';
import { EXAMPLE_PROJECT } from '../serve/workbench';

export async function runServe(file: string | undefined, opts: { port?: number }): Promise<number> {
  const server = await startServer({ projectFile: file, port: opts.port ?? 0, log: (l) => process.stderr.write(l + '\n') });
  if (!file) process.stderr.write(`quench: no project given; serving an unsaved copy of ${EXAMPLE_PROJECT()} (Save As… in the workbench writes it to a file)\n`);
  process.stdout.write(`Quench workbench: ${server.url}\n`);
  const stop = () => {
    void server.close().then(() => exitProcess(0)); // through _exit where Dawn was loaded
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
