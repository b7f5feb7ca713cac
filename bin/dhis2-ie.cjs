#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build`; this file only finds it and says what to do if it is missing.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!existsSync(entry)) {
  process.stderr.write('dhis2-ie: the app is not built yet. Run `npm run build` in ' + join(__dirname, '..') + ' first.\n');
  process.exit(2);
}
require(entry);
