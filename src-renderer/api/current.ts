// The client the stores use: set once at start-up (main.ts) or by a test.
import type { QuenchClient } from './client';

let current: QuenchClient | null = null;

export function setApi(client: QuenchClient): void {
  current = client;
}

export function useApi(): QuenchClient {
  if (!current) throw new Error('the Quench API client is not set (setApi)');
  return current;
}
