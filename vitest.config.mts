import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vue single-file components for the renderer's component tests (test/renderer, happy-dom)
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Generous: tests must pass on a loaded machine (no test depends on speed).
    testTimeout: 180_000,
    // Native tests share 2 cores with each other; keep files in few workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
