import { parseCliArgs, USAGE } from './cli-args';
import { SeedError } from './seed';
import { DEFAULT_ADMIN_PAT, DEFAULT_CREDENTIALS, type Simulator, startSimulator } from './server';

/**
 * Starts the simulator for humans and scripts. The first stdout line is the base URL and nothing else,
 * so a caller can read one line and connect. Bundled to CommonJS, hence no top-level await.
 */
async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dhis2-sim: ${parsed.message}\n`);
    return 2;
  }
  let sim: Simulator;
  try {
    sim = await startSimulator(parsed.options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`dhis2-sim: ${message}\n`);
    return error instanceof SeedError ? 2 : 1;
  }
  const { admin } = DEFAULT_CREDENTIALS;
  process.stdout.write(`${sim.url}\n`);
  process.stdout.write(
    `DHIS2 ${sim.state.profile.version} simulator. Log in as ${admin.username}/${admin.password} or with "Authorization: ApiToken ${DEFAULT_ADMIN_PAT}"; control it at ${sim.url}/__sim/ (Ctrl+C stops).\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`dhis2-sim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
