// The preload: the only bridge between the sandboxed renderer and the main
// process. It will expose the typed workbench API (one method per action);
// until then it exposes only the version.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('quench', { version: process.env.npm_package_version ?? '0.1.0' });
