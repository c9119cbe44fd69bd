import os from 'node:os';
import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vue single-file components for the renderer's component tests (test/renderer, happy-dom)
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Quench's own folder (recent files, recovery copies, fusion calibration) is a fresh one per
    // test run: tests never read or write the user's ~/.quench, so a calibration there changes nothing.
    env: { QUENCH_HOME: path.join(os.tmpdir(), `quench-test-home-${process.pid}`) },
    // Generous: tests must pass on a loaded machine (no test depends on speed).
    testTimeout: 180_000,
    // Native tests share 2 cores with each other; keep files in few workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
