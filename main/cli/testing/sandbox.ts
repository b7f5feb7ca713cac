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
  close(): Promise<void>;
}

export async function cliSandbox(): Promise<CliSandbox> {
  const dir = tempDir();
  const sim = await startSimulator({ port: 0 });
  sim.seedMetadata(integrationSeed(), { replace: true });
  return {
    path: dir.path,
    sim,
    async run(dataDir, ...argv) {
      const output = captureOutput();
      const code = await runCli([...argv, '--data-dir', join(dir.path, dataDir)], output);
      return { code, stdout: output.stdout, stderr: output.stderr };
    },
    async close() {
      await sim.close();
      dir.remove();
    },
  };
}
