import { join } from 'node:path';
import { runCli } from './index';

// Entry of the bundled CLI (dist/main/cli.cjs): the renderer is built next to it.
runCli(process.argv.slice(2), undefined, join(__dirname, '..', 'renderer')).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dhis2-ie: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
