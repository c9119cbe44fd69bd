import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

// One build for every Node-side entry (the Electron main process, the
// headless CLI) and the renderer. Nothing here starts Electron.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          // the engine process the workbench server forks per run (src-main/serve/engine-process.ts)
          'engine-worker': resolve(__dirname, 'src-main/engine/worker-main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/app/preload.ts') } },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
