// Every view has an address, and so does every run: #/experiments, #/runs,
// #/runs/<id>, #/compare … Hash history, because the renderer is loaded from
// file:// in the desktop app and from `quench serve` in a browser: the part
// after '#' never reaches a server, and back/forward, reload and a copied
// link all come back to the same place.
import { createRouter, createWebHashHistory, type RouterHistory, type RouteRecordRaw } from 'vue-router';
import CompareView from './features/compare/CompareView.vue';
import ExperimentsView from './features/experiments/ExperimentsView.vue';
import HardwareView from './features/hardware/HardwareView.vue';
import ProfileView from './features/profile/ProfileView.vue';
import RunPage from './features/runs/RunPage.vue';
import RunsView from './features/runs/RunsView.vue';
import ScalingView from './features/scaling/ScalingView.vue';
import SweepsView from './features/sweeps/SweepsView.vue';
import type { ViewId } from './stores/ui';

declare module 'vue-router' {
  interface RouteMeta {
    /** The sidebar's view this address belongs to. */
    view: ViewId;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/experiments' },
  { path: '/experiments', component: ExperimentsView, meta: { view: 'experiments' } },
  { path: '/runs', component: RunsView, meta: { view: 'runs' } },
  { path: '/runs/:id', component: RunPage, props: true, meta: { view: 'runs' } },
  { path: '/scaling', component: ScalingView, meta: { view: 'scaling' } },
  { path: '/sweeps', component: SweepsView, meta: { view: 'sweeps' } },
  { path: '/compare', component: CompareView, meta: { view: 'compare' } },
  { path: '/profile', component: ProfileView, meta: { view: 'profile' } },
  { path: '/hardware', component: HardwareView, meta: { view: 'hardware' } },
  // an address from a newer version, or a typo: the start view rather than a blank page
  { path: '/:rest(.*)*', redirect: '/experiments' },
];

/** The workbench's router; tests pass a memory history. */
export function createWorkbenchRouter(history: RouterHistory = createWebHashHistory()) {
  return createRouter({
    history,
    routes,
    // a new page starts at its top; back and forward return to where the reader was
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
}
