import { join } from 'node:path';
import { closeStdout, neutralise } from './output';
import { isClosedPipe } from './system-errors';
import { dataDirOf, failureInWords, runCli } from './index';

// Whoever reads our output may stop early (`dhis2-ie jobs | head`): the command finishes its work and prints no more.
process.stdout.on('error', (error) => {
  if (isClosedPipe(error)) return closeStdout();
  fail(error);
});
process.stderr.on('error', () => undefined);
// Nothing may end the process with a stack trace on screen, not even an error nobody waited for.
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

function fail(error: unknown): void {
  process.stderr.write(`${neutralise(`dhis2-ie: ${failureInWords(error, dataDirOf(process.argv.slice(2)))}`)}\n`);
  process.exit(1);
}

// Entry of the bundled CLI (dist/main/cli.cjs): the renderer is built next to it.
runCli(process.argv.slice(2), undefined, join(__dirname, '..', 'renderer')).then((code) => {
  process.exitCode = code;
}, fail);
