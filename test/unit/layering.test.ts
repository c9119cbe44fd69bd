// Every layer imports only downward. The table below is the rule: a layer (a
// folder; src-shared's, src-main's and src-renderer's loose files are their
// folder's root layer) may import itself and the layers it names, nothing
// else. docs/architecture.md explains the layers; a new folder must be added
// here, lowest first, before its code can import or be imported.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

const SHARED_ALL = [
  'src-shared',
  'src-shared/circuit',
  'src-shared/observable',
  'src-shared/qasm',
  'src-shared/ml',
  'src-shared/backend',
  'src-shared/webgpu',
  'src-shared/project',
  'src-shared/jobs',
  'src-shared/workloads',
  'src-shared/analysis',
  'src-shared/api',
];

/** Who may import whom, lowest first. */
const MAY_IMPORT: Record<string, string[]> = {
  // ---- src-shared: pure TypeScript (no Node, no DOM); never src-main or src-renderer
  /** random.ts, results.ts, outcomes.ts */
  'src-shared': [],
  'src-shared/circuit': ['src-shared'],
  'src-shared/observable': ['src-shared', 'src-shared/circuit'],
  'src-shared/qasm': ['src-shared', 'src-shared/circuit'],
  'src-shared/ml': ['src-shared'],
  /** The Backend contract and the reference backend: circuits and observables only, never a workload. */
  'src-shared/backend': ['src-shared', 'src-shared/circuit', 'src-shared/observable', 'src-shared/qasm'],
  /** The WebGPU backend serves the workloads; it does not know them (their session on it lives in workloads/). */
  'src-shared/webgpu': ['src-shared', 'src-shared/circuit', 'src-shared/observable', 'src-shared/backend'],
  /** The project file: schema, migrations, parameter defaults and form words. */
  'src-shared/project': ['src-shared'],
  /** Jobs for a batch scheduler: the job folder's manifest, work items, result and error records, the plan. */
  'src-shared/jobs': ['src-shared', 'src-shared/project'],
  'src-shared/workloads': ['src-shared', 'src-shared/circuit', 'src-shared/observable', 'src-shared/qasm', 'src-shared/ml', 'src-shared/backend', 'src-shared/webgpu', 'src-shared/project'],
  'src-shared/analysis': ['src-shared', 'src-shared/observable', 'src-shared/ml', 'src-shared/project', 'src-shared/workloads'],
  'src-shared/api': ['src-shared', 'src-shared/project', 'src-shared/jobs', 'src-shared/analysis'],

  // ---- src-main: Node; may use all of src-shared, never src-renderer
  /** errors.ts, files.ts (atomic writes), home.ts */
  'src-main': [...SHARED_ALL],
  /** The addon loader. */
  'src-main/native': [...SHARED_ALL, 'src-main'],
  'src-main/backend': [...SHARED_ALL, 'src-main', 'src-main/native'],
  /** Project files on disk: store, lock, QUENCH_HOME. */
  'src-main/project': [...SHARED_ALL, 'src-main'],
  /** Runs an Experiment to a RunResult; machine info. */
  'src-main/engine': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend'],
  /** Batch schedulers (Slurm): scripts, submit, status, cancel. Knows no engine. */
  'src-main/scheduler': [...SHARED_ALL, 'src-main'],
  'src-main/profile': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine'],
  'src-main/bench': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine'],
  /** Job folders: make and submit them, run a work item on a node, status, collect into the project. */
  'src-main/jobs': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine', 'src-main/bench', 'src-main/project', 'src-main/scheduler'],
  /** The workbench back end and `quench serve`. */
  'src-main/serve': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine', 'src-main/project', 'src-main/scheduler', 'src-main/jobs'],
  'src-main/cli': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine', 'src-main/profile', 'src-main/bench', 'src-main/project', 'src-main/scheduler', 'src-main/jobs', 'src-main/serve'],
  /** The Electron shell. */
  'src-main/app': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine', 'src-main/project', 'src-main/scheduler', 'src-main/jobs', 'src-main/serve'],

  // ---- src-renderer: the UI; may use all of src-shared, never src-main
  'src-renderer/api': [...SHARED_ALL],
  'src-renderer/webgpu': [...SHARED_ALL],
  /** format.ts, theme.ts, export.ts, shortcuts.ts, and App.vue/main.ts (see ENTRY_POINTS). */
  'src-renderer': [...SHARED_ALL],
  'src-renderer/charts': [...SHARED_ALL, 'src-renderer'],
  'src-renderer/stores': [...SHARED_ALL, 'src-renderer', 'src-renderer/api', 'src-renderer/webgpu'],
  'src-renderer/features': [...SHARED_ALL, 'src-renderer', 'src-renderer/api', 'src-renderer/webgpu', 'src-renderer/stores', 'src-renderer/charts'],
};

/**
 * Process entry points sit above every layer of their side: they wire the
 * layers together (the engine worker process hosts runs, benchmarks and
 * profiles alike; the window's root component holds the feature views).
 */
const ENTRY_POINTS: Record<string, string[]> = {
  'src-main/app/index.ts': [...SHARED_ALL, ...Object.keys(MAY_IMPORT).filter((l) => l.startsWith('src-main'))],
  'src-main/cli/main.ts': [...SHARED_ALL, ...Object.keys(MAY_IMPORT).filter((l) => l.startsWith('src-main'))],
  'src-main/engine/worker-main.ts': [...SHARED_ALL, 'src-main', 'src-main/native', 'src-main/backend', 'src-main/engine', 'src-main/profile', 'src-main/bench'],
  'src-renderer/App.vue': [...SHARED_ALL, ...Object.keys(MAY_IMPORT).filter((l) => l.startsWith('src-renderer'))],
  /** The routes: every view's address, so it wires the feature views in as App.vue does. */
  'src-renderer/router.ts': [...SHARED_ALL, ...Object.keys(MAY_IMPORT).filter((l) => l.startsWith('src-renderer'))],
  'src-renderer/main.ts': [...SHARED_ALL, ...Object.keys(MAY_IMPORT).filter((l) => l.startsWith('src-renderer'))],
};

/**
 * A workload kind lives in one folder (src-shared/workloads/<kind>/); its
 * parameter declaration (params.ts: schema, defaults, form words) is the one
 * file of it that the project model reads (src-shared/project/kinds.ts), so
 * it imports zod and the declaration's type only — then the model still
 * depends on no runner.
 */
const KIND_DECLARATION = /^src-shared\/workloads\/[^/]+\/params\.ts$/;

const TOPS = ['src-shared', 'src-main', 'src-renderer'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** The layer of a path inside a top folder ('src-shared/qasm' for src-shared/qasm/index.ts and for src-shared/qasm itself). */
function layerOf(rel: string): string {
  const parts = rel.split('/');
  const isDir = fs.existsSync(path.join(root, rel)) && fs.statSync(path.join(root, rel)).isDirectory();
  if (parts.length === 1) return parts[0];
  if (parts.length === 2 && !isDir) return parts[0];
  return `${parts[0]}/${parts[1]}`;
}

/** Relative imports of a file with their line numbers: static, re-exports, dynamic, side-effect. */
function importsOf(text: string): { spec: string; line: number }[] {
  const found: { spec: string; line: number }[] = [];
  const re = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) found.push({ spec, line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

describe('layering', () => {
  const files = TOPS.flatMap(sourceFiles);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(files).toContain('src-shared/project/param-meta.ts');
    expect(files).toContain('src-renderer/features/experiments/ExperimentEditor.vue');
  });

  it('declares every folder as a layer', () => {
    const undeclared = [...new Set(files.map(layerOf))].filter((l) => !(l in MAY_IMPORT));
    expect(undeclared, 'add these folders to MAY_IMPORT in test/unit/layering.test.ts').toEqual([]);
  });

  it('imports only downward', () => {
    const problems: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = new Set([from, ...(ENTRY_POINTS[file] ?? MAY_IMPORT[from] ?? [])]);
      for (const { spec, line } of importsOf(fs.readFileSync(path.join(root, file), 'utf8'))) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (!TOPS.some((t) => target === t || target.startsWith(`${t}/`))) continue; // package.json, native/, …
        const to = layerOf(target);
        if (KIND_DECLARATION.test(`${target}.ts`) && from === 'src-shared/project') continue;
        if (!allowed.has(to)) problems.push(`${file}:${line}: ${from} imports ${to} ('${spec}')`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps a kind's parameter declaration free of runners (zod and its type only)", () => {
    const declarations = files.filter((f) => KIND_DECLARATION.test(f));
    expect(declarations).toContain('src-shared/workloads/validation/params.ts');
    for (const f of declarations) for (const i of importsOf(fs.readFileSync(path.join(root, f), 'utf8'))) expect(i.spec, f).toBe('../../project/kind-declaration');
  });

  it('catches an upward import (the check itself works)', () => {
    const sample = "import { pickBackend } from '../cli/simulate';\nexport { x } from './y';\nconst m = await import('../../src-main/native/addon');";
    expect(importsOf(sample).map((i) => i.spec)).toEqual(['../cli/simulate', './y', '../../src-main/native/addon']);
    expect(MAY_IMPORT['src-main/engine']).not.toContain('src-main/cli');
    expect(MAY_IMPORT['src-shared/circuit']).not.toContain('src-shared/workloads');
    expect(MAY_IMPORT['src-renderer/features'].some((l) => l.startsWith('src-main'))).toBe(false);
  });
});
