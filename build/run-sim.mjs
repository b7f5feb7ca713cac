// `npm run sim -- [--port P] [--seed FILE]`: rebuilds the simulator bundle (esbuild, well under a second) and runs it.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'sim', 'cli.cjs');
const hasSources = existsSync(join(root, 'e2e', 'dhis2-sim', 'cli.ts'));
if (hasSources || !existsSync(entry)) execFileSync(process.execPath, [join(root, 'build', 'build-main.mjs')], { stdio: 'inherit' });
createRequire(import.meta.url)(entry);
