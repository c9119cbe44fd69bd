// The editor sends valid edits to the working copy after a short pause
// (debounced). Anything that acts on an experiment right away — Run in the
// list, Ctrl+Enter, Delete — first lets the editor send what is pending, so a
// run never uses settings the user has already changed on screen.
type Flush = () => Promise<void>;

const flushers = new Set<Flush>();

/** The editor registers its flush while mounted; returns the unregister function. */
export function registerPendingEdits(flush: Flush): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

/** Send every pending edit now (resolves when the working copy has them). */
export async function flushPendingEdits(): Promise<void> {
  await Promise.all([...flushers].map((f) => f()));
}
