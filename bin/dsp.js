#!/usr/bin/env node
'use strict';
// The `dsp` command. The CLI is TypeScript; this runs its build output (`npm run build`).
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write(`dsp: ${main} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
require(main);
