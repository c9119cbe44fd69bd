/// <reference types="vite/client" />

interface Window {
  /** The Electron app's bridge (src-main/app/preload.ts); undefined in browser mode (`quench serve`). */
  readonly quench?: import('../src-shared/api/ipc').QuenchBridge;
}
