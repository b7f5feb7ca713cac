import { versionProfile } from './version';

export interface CliOptions {
  port: number;
  host?: string;
  seedFile?: string;
  version?: string;
  /** How a real 2.41 starts async jobs unless told otherwise: people trying the app should wait as they would. */
  scheduler: 'immediate' | 'dhis2';
}

export type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = 'Usage: dhis2-sim [--port P] [--host H] [--seed FILE] [--version 2.NN.P] [--scheduler dhis2|immediate]';

/** `--name value` or `--name=value`; every problem is one line for stderr. */
export function parseCliArgs(argv: readonly string[]): CliParse {
  const options: CliOptions = { port: 0, scheduler: 'dhis2' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!['--port', '--host', '--seed', '--version', '--scheduler'].includes(name)) {
      return { kind: 'error', message: `Unknown argument "${arg}". ${USAGE}` };
    }
    let value: string | undefined;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      return { kind: 'error', message: `${name} needs a value. ${USAGE}` };
    }
    if (name === '--port') {
      if (!/^\d+$/.test(value) || Number(value) > 65535) return { kind: 'error', message: `--port must be a whole number from 0 to 65535, not "${value}"` };
      options.port = Number(value);
    } else if (name === '--host') {
      options.host = value;
    } else if (name === '--scheduler') {
      if (value !== 'dhis2' && value !== 'immediate') return { kind: 'error', message: `--scheduler must be "dhis2" or "immediate", not "${value}"` };
      options.scheduler = value;
    } else if (name === '--seed') {
      options.seedFile = value;
    } else {
      try {
        versionProfile(value);
      } catch (error) {
        return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
      }
      options.version = value;
    }
  }
  return { kind: 'run', options };
}
