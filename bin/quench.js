#!/usr/bin/env node
// `quench` — the headless command line. The TypeScript is built into out/ by
// `npm install` (electron-vite); this shim only finds it.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(entry)) {
  console.error(`quench: the command line is not built (${entry} is missing). Run 'npm run build' in ${path.dirname(__dirname)}.`);
  process.exit(1);
}
require(entry);
