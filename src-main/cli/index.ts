// `quench` command line: info, simulate, bench. Parsing and help come from
// commander; each command lives in its own module and returns an exit code.
import { Command, InvalidArgumentError } from 'commander';
import { runBenchGates } from '../bench/gates';
import { runBenchSeed } from '../bench/seed';
import { runProfile } from './profile';
import { runValidate } from './validate';
import { CONTENTION_CASES, runBenchContention } from '../bench/contention';
import { ALL_PEERS, PEER_CASES, runBenchPeers } from '../bench/peers';
import { checkPeersSaveTarget, savePeersFile } from './peers-save';
import { runInfo } from './info';
import { applyIsa, isaOption } from './isa';
import { runSimulate } from './simulate';
import { runProjectFile } from './run';
import { runServe } from './serve';
import { runCancel, runCollect, runJobStatus, runResubmit, runRunItem, runSubmit } from './jobs';
import { JobPlanError } from '../../src-shared/jobs/plan';
import { UsageError } from '../errors';
import { WebGpuUnavailableError } from '../../src-shared/webgpu/context';
import { closeNodeGpu } from '../backend/webgpu-node';
import { DynamicCircuitError } from '../../src-shared/backend/dynamic-runner';
import { ProjectError } from '../../src-shared/project/schema';
import { QasmError } from '../../src-shared/qasm';

declare const __QUENCH_VERSION__: string | undefined;
const version = typeof __QUENCH_VERSION__ === 'string' ? __QUENCH_VERSION__ : '0.1.0';

function intOption(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got '${v}'`);
    return n;
  };
}
function listOption<T>(name: string, parse: (s: string) => T) {
  return (v: string): T[] => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new InvalidArgumentError(`${name} needs at least one value`);
    return items.map(parse);
  };
}
function choice<T extends string>(name: string, values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}, got '${v}'`);
    return v as T;
  };
}

export function buildProgram(): Command {
  const program = new Command('quench')
    .description('Quench: quantum machine-learning performance workbench (headless engine)')
    .version(version)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('info')
    .description('this machine: CPU, ISA paths, memory, addon build flags, versions')
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      process.exitCode = await runInfo(opts);
    });

  program
    .command('simulate')
    .description('simulate an OpenQASM 2.0 file: probabilities, expectation values, samples')
    .argument('<file>', 'OpenQASM 2.0 file')
    .option('--json', 'print one JSON object (qubits, probabilities, expectations, counts), streamed')
    .option('--output <file>', "write all 2^n probabilities to a NumPy .npy file (float64, or float32 with --precision f32); the summary leaves them out")
    .option('--precision <p>', 'f64 or f32 (default f64; f32 with --backend webgpu)', choice('--precision', ['f64', 'f32'] as const))
    .addOption(isaOption())
    .option('--backend <id>', 'native, reference or webgpu', choice('--backend', ['native', 'reference', 'webgpu'] as const), 'native')
    .option('--threads <n>', 'threads (0 = all cores)', intOption('--threads', 0, 1024), 0)
    .option('--fusion <k>', 'largest fused block in qubits (0 = off)', intOption('--fusion', 0, 6))
    .option('--observable <expr>', "Pauli sum such as '0.5*Z0*Z1 - 0.3*X2' (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--shots <n>', 'sample this many measurement outcomes', intOption('--shots', 1, 100_000_000))
    .option('--seed <s>', 'seed for sampling', intOption('--seed', 0, Number.MAX_SAFE_INTEGER), 0)
    .action(async (file: string, opts) => {
      applyIsa(opts.isa);
      process.exitCode = await runSimulate(file, opts);
    });

  program
    .command('run')
    .description("run a project's experiments headless and store the runs in the file")
    .argument('<file>', 'project file (*.quench.json)')
    .option('--experiment <id>', 'run only this experiment (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--json', 'print the new runs as JSON')
    .option('--no-save', 'do not write the runs into the file')
    .addOption(isaOption())
    .action(async (file: string, opts) => {
      applyIsa(opts.isa);
      process.exitCode = await runProjectFile(file, opts);
    });

  program
    .command('profile')
    .description('profile one experiment: phases on a timeline, engine kernels and SIMD share, memory, thread scaling, and bottlenecks backed by measured trials')
    .argument('<file>', 'project file (*.quench.json)')
    .requiredOption('--experiment <id>', 'the experiment to profile')
    .option('--json', 'print the profile as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with its charts')
    .option('--no-trials', 'skip the short trial runs (thread scaling, settings)')
    .addOption(isaOption())
    .action(async (file: string, opts) => {
      applyIsa(opts.isa);
      process.exitCode = await runProfile(file, opts);
    });

  program
    .command('validate')
    .description('is the quantum model better, worse or indistinguishable from classical baselines? Seeded trials on shared splits, paired and Welch t-tests, bootstrap CIs, effect sizes, Holm correction, and a plain verdict')
    .argument('<file>', 'project file (*.quench.json)')
    .requiredOption('--experiment <id>', 'a validation experiment, or a qnn or qsvm experiment to validate as configured')
    .option('--trials <n>', 'seeded trials (each its own data sample and split; default 10)', intOption('--trials', 2, 1000))
    .option('--json', 'print the report as JSON')
    .option('--no-save', 'do not write the validation run into the file')
    .action(async (file: string, opts) => {
      process.exitCode = await runValidate(file, opts);
    });

  program
    .command('serve')
    .description('the workbench back end, headless: static UI + API over WebSocket on 127.0.0.1, with an access token')
    .argument('[file]', 'project file (*.quench.json); without one, an unsaved copy of the example seed suite')
    .option('--port <n>', 'port (0 = any free port)', intOption('--port', 0, 65535), 0)
    .action(async (file: string | undefined, opts) => {
      process.exitCode = await runServe(file, opts);
    });

  const repeatable = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
  program
    .command('submit')
    .description('send a sweep, repetitions of an experiment, or the gates benchmark to a Slurm cluster as one job folder and a job array (one work item per array task)')
    .argument('<file>', 'project file (*.quench.json), on a filesystem the nodes share')
    .option('--sweep <id>', "one work item per grid point of this sweep of the project")
    .option('--experiment <id>', 'this experiment, --repeats times (one work item each)')
    .option('--bench <name>', "'gates': quench bench gates on the nodes (--repeats node runs)")
    .option('--repeats <n>', 'repetitions of --experiment, or node runs of --bench (default 1)', intOption('--repeats', 1, 1000))
    .option('--qubits <list>', 'state sizes of --bench gates (default 16,20,22)', listOption('--qubits', intOption('--qubits', 4, 30)))
    .option('--slurm', 'submit to Slurm (sbatch); the scheduler Quench submits to')
    .option('--partition <p>', 'Slurm partition (default: the cluster\'s default)')
    .option('--time <t>', 'time limit per task, as Slurm takes it (MM:SS, HH:MM:SS, D-HH:MM …)')
    .option('--cpus-per-task <c>', 'CPUs per task; runs use that many threads (default 1)', intOption('--cpus-per-task', 1, 4096))
    .option('--mem <m>', 'memory per node, as Slurm takes it (e.g. 8G)')
    .option('--array-max <k>', 'at most K tasks at once (--array=…%K)', intOption('--array-max', 1, 100_000))
    .option('--exclusive', 'each task has its node to itself (the default for --bench)')
    .option('--no-exclusive', 'share nodes, also for --bench')
    .option('--setup <line>', "shell line run on the node first, e.g. 'module load nodejs/20' (repeatable)", repeatable)
    .option('--name <name>', 'job name (default from what it runs)')
    .option('--jobs-dir <dir>', 'folder for the job folder (default: <project>.jobs beside the project file)')
    .option('--dry-run', 'write the job folder and print the script; submit nothing')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts) => {
      process.exitCode = await runSubmit(file, opts);
    });

  program
    .command('resubmit')
    .description('submit again the work items of a job that failed or went missing (or the ones named)')
    .argument('<jobdir>', 'the job folder quench submit wrote')
    .option('--items <list>', 'only these work items (ids or indices)', listOption('--items', (s) => s))
    .option('--partition <p>', 'from now on, this Slurm partition')
    .option('--time <t>', 'from now on, this time limit per task (items that ran out of time)')
    .option('--cpus-per-task <c>', 'from now on, this many CPUs per task', intOption('--cpus-per-task', 1, 4096))
    .option('--mem <m>', 'from now on, this much memory per node (items that ran out of memory)')
    .option('--array-max <k>', 'from now on, at most K tasks at once', intOption('--array-max', 1, 100_000))
    .option('--dry-run', 'write the script and print it; submit nothing')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts) => {
      process.exitCode = await runResubmit(dir, opts);
    });

  program
    .command('run-item')
    .description("run one work item of a job and write its result (or error record) into the job folder: what each array task runs")
    .argument('<jobdir>', 'the job folder')
    .requiredOption('--work-item <k>', 'the item: its index (the array task id) or its id')
    .option('--force', 'run it again even when its result is there (the old one is kept under results/attempts/)')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts) => {
      process.exitCode = await runRunItem(dir, opts);
    });

  program
    .command('status')
    .description("each work item of a job: done, running, pending, failed (with why) or missing, from its results folder and Slurm's squeue/sacct")
    .argument('<jobdir>', 'the job folder')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts) => {
      process.exitCode = await runJobStatus(dir, opts);
    });

  program
    .command('collect')
    .description("merge a job's finished runs into the project (under its lock; collecting again adds only what is new) and report every item's state")
    .argument('<jobdir>', 'the job folder')
    .option('--into <file>', 'this project file instead of the one the job came from')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts) => {
      process.exitCode = await runCollect(dir, opts);
    });

  program
    .command('cancel')
    .description("cancel a job's tasks (all, or the named work items)")
    .argument('<jobdir>', 'the job folder')
    .option('--items <list>', 'only these work items (ids or indices)', listOption('--items', (s) => s))
    .action(async (dir: string, opts) => {
      process.exitCode = await runCancel(dir, opts);
    });

  const bench = program.command('bench').description('benchmarks (performance lives here, not in tests)');
  bench
    .command('gates')
    .description("gate kernels' time and effective bandwidth vs this machine's in-place bandwidth, measured in the same run")
    .option('--json', 'print the results as JSON')
    .option('--qubits <list>', 'state sizes', listOption('--qubits', intOption('--qubits', 2, 34)), [16, 20, 24, 26])
    .option('--backend <id>', 'native or webgpu', choice('--backend', ['native', 'webgpu'] as const), 'native')
    .option('--precision <list>', 'f32, f64 (default both; f32 with --backend webgpu)', listOption('--precision', choice('--precision', ['f32', 'f64'] as const)))
    .option('--threads <list>', "thread counts; 'N' = all cores", listOption('--threads', (s) => (s === 'N' ? 0 : intOption('--threads', 1, 1024)(s))))
    .addOption(isaOption())
    .option('--repeats <n>', 'timed repetitions per measurement, at least (native: more, up to 10×, until the median\'s 95% CI is within ±5%)', intOption('--repeats', 1, 1000), 9)
    .option('--fusion <k>', 'block size of the fused kernel and the brickwork check', intOption('--fusion', 2, 6))
    .action(async (opts) => {
      applyIsa(opts.isa);
      process.exitCode = await runBenchGates(opts);
    });

  bench
    .command('seed')
    .description('the seed suite: VQE, QAOA, QNN, QSVM, CV-QGAN … against the figures of the seed documents and Quench\'s goals (docs/benchmarks.md)')
    .option('--json', 'print an array of results')
    .option('--case <list>', 'cases to run (default: all)', listOption('--case', (s) => s))
    .option('--quick', 'small sizes that finish within a minute (tests, CI)')
    .option('--backend <list>', 'native, webgpu, or native,webgpu (each case on both, side by side)', listOption('--backend', choice('--backend', ['native', 'webgpu'] as const)))
    .option('--threads <n>', 'threads (0 = the default: the CPUs this process may use)', intOption('--threads', 0, 1024))
    .option('--precision <p>', 'f64 or f32 (WebGPU: f32 only)', choice('--precision', ['f64', 'f32'] as const))
    .addOption(isaOption())
    .action(async (opts) => {
      applyIsa(opts.isa);
      process.exitCode = await runBenchSeed(opts);
    });

  bench
    .command('contention')
    .description('the default thread setting vs one thread, on an idle machine and beside a busy process on one core')
    .option('--json', 'print the report as JSON')
    .option('--case <list>', `cases (default: all): ${CONTENTION_CASES.join(', ')}`, listOption('--case', (s) => s))
    .option('--rounds <n>', 'interleaved samples of each setting per condition', intOption('--rounds', 3, 1000), 15)
    .action(async (opts) => {
      process.exitCode = await runBenchContention(opts);
    });

  bench
    .command('peers')
    .description('Quench beside qsim, Lightning (its engine and through PennyLane), Qulacs, Qiskit Aer, qiskit-machine-learning and NumPy on the same cases, in interleaved rounds, answers checked (installs the peers from PyPI into a cache folder on first use)')
    .option('--json', 'print the report as JSON')
    .option('--case <list>', `cases (default: all): ${PEER_CASES.join(', ')}`, listOption('--case', (s) => s))
    .option('--peer <list>', `peers (default: all): ${ALL_PEERS.join(', ')}`, listOption('--peer', (s) => s))
    .option('--qubits <list>', 'state sizes of the gate and brickwork cases (default 20,24)', listOption('--qubits', intOption('--qubits', 2, 30)))
    .option('--threads <list>', 'thread counts (0 = all cores; default 1,0)', listOption('--threads', intOption('--threads', 0, 1024)))
    .option('--precision <list>', 'precisions of the gate case: f32, f64 (default f64)', listOption('--precision', (s) => s))
    .option('--rounds <n>', 'interleaved rounds per case', intOption('--rounds', 1, 100), 3)
    .option('--venv <dir>', "the peers' virtual environment (default: ~/.cache/quench/peers-venv; Strawberry Fields gets its own beside it, with the suffix -sf)")
    .option('--save <file>', 'add the results to a project file as runs, Quench\'s and each peer\'s per case (created when missing), to compare them in the workbench')
    .addOption(isaOption("Quench's SIMD kernels: auto (the best this CPU has), avx512, avx2 or scalar; each peer picks its own from the CPU"))
    .action(async (opts) => {
      applyIsa(opts.isa);
      if (opts.save) checkPeersSaveTarget(opts.save);
      process.exitCode = await runBenchPeers(opts, opts.save ? (report) => savePeersFile(opts.save, report) : undefined);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Every command, not only the root (commander copies these settings to commands only when they are created after them).
  const override = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => process.stderr.write(s) });
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    return reportError(e);
  } finally {
    // Dawn's threads must stop before the process exits (see webgpu-node.ts).
    await closeNodeGpu();
  }
}

function reportError(e: unknown): number {
  const err = e as { code?: string; exitCode?: number; message?: string };
  // A bad option, argument or command is a bad request like any other: exit 2 (commander would say 1).
  if (err.code?.startsWith('commander.')) return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  // A bad request — the command line, or an input file that does not parse or cannot be run as asked: exit 2.
  if (e instanceof UsageError || e instanceof QasmError || e instanceof ProjectError || e instanceof DynamicCircuitError || e instanceof JobPlanError) {
    process.stderr.write(`quench: ${e.message}\n`);
    return 2;
  }
  if (e instanceof WebGpuUnavailableError) {
    // No adapter here: one line, its own exit code, so scripts can tell it from a failure.
    process.stderr.write(`quench: ${e.message}\n`);
    return 3;
  }
  process.stderr.write(`quench: ${err.message ?? String(e)}\n`);
  return 1;
}
