// Bundles the Node side (CLI, Electron main, preload, simulator) with esbuild. Type-checking is tsc's job (npm run typecheck).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { 'process.env.DHIS2_IE_VERSION': JSON.stringify(version) },
};

await Promise.all([
  // node_modules stay external: better-sqlite3 is native, and electron-builder ships dependencies as they are.
  build({
    ...common,
    entryPoints: { cli: 'main/cli/main.ts', electron: 'main/app/electron-main.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.cjs' },
    packages: 'external',
  }),
  // A sandboxed preload cannot require() anything but electron, so everything else is bundled in.
  build({ ...common, entryPoints: { preload: 'preload/preload.ts' }, outdir: 'dist/preload', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  build({
    ...common,
    entryPoints: { bench: 'build/bench/bench.ts', 'no-line-end': 'build/bench/no-line-end.ts' },
    outdir: 'dist/bench',
    outExtension: { '.js': '.cjs' },
    packages: 'external',
  }),
  // The issue 12 campaign (npm run campaign): drives the built CLI as child processes against a simulator in its process.
  build({
    ...common,
    entryPoints: { campaign: 'build/campaign/campaign.ts' },
    outdir: 'dist/campaign',
    outExtension: { '.js': '.cjs' },
    packages: 'external',
  }),
  build({ ...common, entryPoints: { cli: 'e2e/dhis2-sim/cli.ts' }, outdir: 'dist/sim', outExtension: { '.js': '.cjs' }, packages: 'external' }),
]);
