#!/usr/bin/env node
// The CLI runs from the esbuild bundle; `npm run build` (or `npm start`) creates it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write('logit-lab: dist/cli.js is missing — run `npm run build` first.\n');
  process.exit(2);
}
require(bundle);
