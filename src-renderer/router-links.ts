// Addresses of the workbench's pages as link targets (router.ts: hash history),
// apart from the router so that any component can link without importing every view.

/** The address of a run's page, for links that can be copied ('#/runs/qaoa-…'). */
export const runHref = (runId: string) => `#/runs/${encodeURIComponent(runId)}`;
