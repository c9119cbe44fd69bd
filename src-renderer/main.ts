// Renderer entry: the Vue workbench, talking to the engine through the
// Electron bridge (window.quench, set by the preload) in the desktop app, or
// over the WebSocket at /api in browser mode (`quench serve`).
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createClient, type QuenchClient } from './api/client';
import { dispatchWorkbenchCommand } from './api/commands';
import { setApi } from './api/current';
import { createIpcClient } from './api/ipc-client';
import { createWorkbenchRouter } from './router';
import { useRunsStore } from './stores/runs';
import { useUiStore } from './stores/ui';
import './style.css';

const bridge = window.quench;
const client: QuenchClient = bridge?.api ? createIpcClient(bridge) : createClient();
// Menu items (New, Open…, Save, Run, Open Recent) arrive as commands; App.vue handles them like its shortcuts.
bridge?.onCommand((command) => dispatchWorkbenchCommand(command));
setApi(client);
const router = createWorkbenchRouter();
const app = createApp(App).use(createPinia()).use(router);
useUiStore().bindRouter(router);
const runs = useRunsStore();
client.onEvent((e) => runs.applyEvent(e));
app.mount('#app');
