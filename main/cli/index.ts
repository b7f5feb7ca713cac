import { join } from 'node:path';
import { AppError } from '../core/errors';
import { AppLog } from '../core/app-log';
import { resolveDataDir } from '../core/data-dir';
import { APP_VERSION } from '../core/version';
import { UsageError } from './args';
import { inline, neutralisingOutput, processOutput, type Output } from './output';
import { describeSystemError } from './system-errors';
import { serveCommand, SERVE_HELP } from './commands/serve';
import { serverCommand, SERVER_HELP } from './commands/server';
import { jobsCommand, JOBS_HELP } from './commands/jobs';
import { metadataCommand, METADATA_HELP } from './commands/metadata';
import { importCommand, IMPORT_HELP } from './commands/import';
import { IMPORT_METADATA_HELP } from './commands/import-metadata';
import { IMPORT_GEOMETRY_HELP } from './commands/import-geometry';
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
${IMPORT_GEOMETRY_HELP}

${FLUSH_HELP}

${EXPORT_HELP}

${BUNDLE_HELP}

Every command takes --data-dir DIR (default: DHIS2_IE_DATA_DIR or the usual app data folder) and --json.`;

type Command = (argv: string[], output: Output) => Promise<number>;

/** Runs one command line; returns the exit code. Exported for tests. */
export async function runCli(argv: string[], rawOutput: Output = processOutput, rendererDir = ''): Promise<number> {
  const output = neutralisingOutput(rawOutput);
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
    output.err(`dhis2-ie: ${failureInWords(error, dataDirOf(argv))}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/**
 * One line saying what went wrong and what to do; never a stack trace. What we did not foresee goes to
 * the app log with its details, for whoever supports the user.
 */
export function failureInWords(error: unknown, dataDir: string): string {
  if (error instanceof UsageError || error instanceof AppError) return error.message;
  const system = describeSystemError(error, join(dataDir, 'dhis2-ie.sqlite'));
  if (system) return system;
  const log = join(dataDir, 'logs', 'app.log');
  new AppLog(dataDir).error('Unexpected error in a dhis2-ie command', error);
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${inline(message.split('\n')[0]!.slice(0, 300))}. The details are in ${log}; please report them.`;
}

/** The data folder the command line names, for messages about it (the command itself parses its options). */
export function dataDirOf(argv: string[]): string {
  let chosen: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === '--data-dir' && argv[i + 1] !== undefined) chosen = argv[i + 1];
    else if (arg.startsWith('--data-dir=')) chosen = arg.slice('--data-dir='.length);
  });
  return resolveDataDir(chosen);
}
