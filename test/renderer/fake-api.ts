// A QuenchClient for component tests: the example project, calls recorded, events pushed by hand.
import fs from 'node:fs';
import path from 'node:path';
import { vi } from 'vitest';
import type { ApiEvent, ServerInfo } from '../../src-shared/api/contract';
import { parseProject, type Project } from '../../src-shared/project/schema';
import type { EventListener, QuenchClient } from '../../src-renderer/api/client';

export function exampleProject(): Project {
  const file = path.join(__dirname, '../../examples/seed-suite.quench.json');
  return parseProject(fs.readFileSync(file, 'utf8'), file);
}

export const INFO: ServerInfo = {
  quench: '0.1.0', node: '20', platform: 'linux-x64', cpu: 'Test CPU', isa: { inUse: 'avx2', available: ['scalar', 'avx2'] },
  projectPath: null, unsaved: true, activeRunId: null, queuedRunIds: [],
};

export function fakeApi(project: Project = exampleProject()) {
  const listeners = new Set<EventListener>();
  let n = 0;
  const api = {
    info: vi.fn(async () => INFO),
    getProject: vi.fn(async () => project),
    saveProject: vi.fn(async (_p: Project, file?: string) => ({ path: file ?? 'x.quench.json' })),
    runExperiment: vi.fn(async (_id: string) => ({ runId: `run-${++n}` })),
    cancelRun: vi.fn(async (_id: string) => ({ cancelled: true })),
    onEvent: (l: EventListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => undefined,
  } satisfies QuenchClient;
  const emit = (e: ApiEvent) => listeners.forEach((l) => l(e));
  return { api, emit };
}
