// Quitting: the workbench gets to cancel the run in progress and stop its
// engine process before the app goes (otherwise a worker could outlive the
// window, or a half-finished run be lost without its 'cancelled' record).

/** The part of Electron's `app` used here. */
export interface QuitTarget {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** Long enough for a cancel (SIGTERM, SIGKILL after 2 s) and a save; a hung close must not keep the app open. */
export const CLOSE_TIMEOUT_MS = 8000;

/** Hold the first quit until close() settles (or times out), then quit for real. */
export function closeBeforeQuit(app: QuitTarget, close: () => Promise<void>, log: (line: string) => void, timeoutMs = CLOSE_TIMEOUT_MS): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`quench: the workbench did not close within ${timeoutMs} ms; quitting anyway`);
        resolve();
      }, timeoutMs);
    });
    const closing = new Promise<void>((resolve) => resolve(close())) // started now; a synchronous throw becomes a rejection
      .catch((e: unknown) => log(`quench: closing the workbench failed: ${(e as Error)?.message ?? String(e)}`));
    void Promise.race([closing, timeout]).then(() => {
      clearTimeout(timer);
      state = 'closed';
      app.quit();
    });
  });
}
