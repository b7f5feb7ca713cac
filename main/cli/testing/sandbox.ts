import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import { integrationSeed } from '../../../e2e/dhis2-sim/test-seeds';
import { tempDir } from '../../core/test/helpers';
import { captureOutput } from '../capture-output';
import { runCli } from '../index';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** For CLI tests: a temp folder, a DHIS2 simulator seeded with DHIS2's integration-test metadata, and CLI runs. */
export interface CliSandbox {
  /** The temp folder; each data folder the runs name is made inside it. */
  path: string;
  sim: Simulator;
  /** Runs the CLI with `--data-dir <path>/<dataDir>` added: one folder per laptop or office. */
  run(dataDir: string, ...argv: string[]): Promise<CliRun>;
  /** Writes a file for the CLI to read into the temp folder; returns its path. */
  write(name: string, content: string | Buffer): string;
  /** Writes the simulator's metadata as `metadata.json`, what `metadata load` reads for an offline copy; returns its path. */
  writeMetadata(): string;
  /** `server add` of the simulator, as "Sim" with DHIS2's demo login, in data folder `dataDir`. */
  addServer(dataDir: string): Promise<CliRun>;
  close(): Promise<void>;
}

export async function cliSandbox(): Promise<CliSandbox> {
  const dir = tempDir();
  const sim = await startSimulator({ port: 0 });
  sim.seedMetadata(integrationSeed(), { replace: true });
  const run: CliSandbox['run'] = async (dataDir, ...argv) => {
    const output = captureOutput();
    const code = await runCli([...argv, '--data-dir', join(dir.path, dataDir)], output);
    return { code, stdout: output.stdout, stderr: output.stderr };
  };
  const write: CliSandbox['write'] = (name, content) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };
  return {
    path: dir.path,
    sim,
    run,
    write,
    writeMetadata: () => write('metadata.json', JSON.stringify(integrationSeed())),
    addServer: (dataDir) => run(dataDir, 'server', 'add', '--name', 'Sim', '--url', sim.url, '--username', 'admin', '--password', 'district'),
    async close() {
      await sim.close();
      dir.remove();
    },
  };
}
