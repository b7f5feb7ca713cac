import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataExport } from '../../../e2e/dhis2-sim/metadata';
import { startSimulator, type Simulator } from '../../../e2e/dhis2-sim/server';
import type { Core } from '../core';
import { monthlyValues as monthlyValueKeys } from '../datavalues/testing';
import { tempDir, testCore, type TempDir } from '../test/helpers';

/** For job tests against the DHIS2 simulator: a core in a temp folder, its server and its offline copy. */
export interface SimulatedServer {
  sim: Simulator;
  dir: TempDir;
  core: Core;
  serverId: string;
}

/**
 * A fresh simulator serving `metadata`, and a core (data folder `<dir>/data`) with it as a server and the
 * same metadata as its offline copy, loaded from `<dir>/<seedName>`. Retries wait one second, so a test
 * of a fault does not wait minutes for the next attempt.
 */
export async function coreAgainstSimulator(metadata: MetadataExport, seedName = 'metadata.json'): Promise<SimulatedServer> {
  // Serialised before seeding: the simulator keeps the very objects it is given, so the offline copy is the metadata as seeded.
  const offlineCopy = JSON.stringify(metadata);
  const sim = await startSimulator({ port: 0 });
  sim.seedMetadata(metadata, { replace: true });
  const dir = tempDir();
  const core = testCore(join(dir.path, 'data'));
  core.settings.update({ retryBaseSeconds: 1, retryMaxSeconds: 1 });
  const serverId = (await core.servers.add({ name: 'Sim', url: sim.url, auth: { kind: 'basic', username: 'admin', password: 'district' } })).id;
  const seedPath = join(dir.path, seedName);
  writeFileSync(seedPath, offlineCopy);
  await core.metadata.loadPath(seedPath, seedName, serverId);
  return { sim, dir, core, serverId };
}

/** After each test: `core` is the test's last one (a test may restart it), then the simulator and the folder. */
export async function closeSimulated({ core, sim, dir }: Omit<SimulatedServer, 'serverId'>): Promise<void> {
  await core.close();
  await sim.close();
  dir.remove();
}

/** The integration seed's 288 monthly values, one JSON object each, as a data value file holds them. */
export function monthlyValues(): string[] {
  return monthlyValueKeys().map(({ dataElement, period, orgUnit, value }) => JSON.stringify({ dataElement, period, orgUnit, value }));
}
