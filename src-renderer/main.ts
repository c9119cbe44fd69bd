// Renderer entry: the Vue workbench, talking to the engine over the WebSocket at /api.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createClient } from './api/client';
import { setApi } from './api/current';
import { useRunsStore } from './stores/runs';
import './style.css';

const client = createClient();
setApi(client);
const app = createApp(App).use(createPinia());
const runs = useRunsStore();
client.onEvent((e) => runs.applyEvent(e));
app.mount('#app');
