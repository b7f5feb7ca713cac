import { AppError } from '../core/errors';
import { APP_VERSION } from '../core/version';
import { UsageError } from './args';
import { processOutput, type Output } from './output';
import { serveCommand, SERVE_HELP } from './commands/serve';
import { serverCommand, SERVER_HELP } from './commands/server';
import { jobsCommand, JOBS_HELP } from './commands/jobs';
import { metadataCommand, METADATA_HELP } from './commands/metadata';
import { importCommand, IMPORT_HELP } from './commands/import';
import { IMPORT_METADATA_HELP } from './commands/import-metadata';
import { flushCommand, FLUSH_HELP } from './commands/flush';
import { exportCommand, EXPORT_HELP } from './commands/export';
import { validateCommand, VALIDATE_HELP } from './commands/validate';
import { bundleCommand, BUNDLE_HELP } from './commands/bundle';

const HELP = `dhis2-ie ${APP_VERSION}: DHIS2 Import/Export that works offline.

${SERVE_HELP}

${SERVER_HELP}

${JOBS_HELP}

${METADATA_HELP}

${VALIDATE_HELP}

${IMPORT_HELP}

${IMPORT_METADATA_HELP}

${FLUSH_HELP}

${EXPORT_HELP}

${BUNDLE_HELP}

Every command takes --data-dir DIR (default: DHIS2_IE_DATA_DIR or the usual app data folder) and --json.`;

type Command = (argv: string[], output: Output) => Promise<number>;

/** Runs one command line; returns the exit code. Exported for tests. */
export async function runCli(argv: string[], output: Output = processOutput, rendererDir = ''): Promise<number> {
  const commands: Record<string, Command> = {
    serve: (args, out) => serveCommand(args, out, rendererDir),
    server: serverCommand,
    servers: serverCommand,
    jobs: jobsCommand,
    metadata: metadataCommand,
    import: importCommand,
    flush: flushCommand,
    export: exportCommand,
    validate: validateCommand,
    bundle: bundleCommand,
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    output.out(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') return (output.out(APP_VERSION), 0);
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`Unknown command "${name}". Run dhis2-ie --help to see the commands.`);
    return await command(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`dhis2-ie: ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      output.err(`dhis2-ie: ${error.message}`);
      return 1;
    }
    output.err(`dhis2-ie: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
