import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataValueFormat, DataValueRecord } from '../datavalues/types';
import { readDataValues, type DataValueSource } from './datavalues/read';
import { openInput } from './open-input';

/** Test helpers; not used by the app. Fixtures are the in-repo copies (e2e/fixtures, see its PROVENANCE.md). */

const REPOSITORY = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = join(REPOSITORY, 'e2e', 'fixtures', 'datavalues');

export function fixture(...parts: string[]): string {
  if (!existsSync(FIXTURES)) {
    throw new Error(`The DHIS2 fixtures are missing: expected ${FIXTURES} (copies of the shared fixtures, see e2e/fixtures/PROVENANCE.md).`);
  }
  const path = join(FIXTURES, ...parts);
  if (!existsSync(path)) throw new Error(`Fixture ${path} is missing.`);
  return path;
}

export function fixtureFiles(folder: string): string[] {
  return readdirSync(fixture(folder)).sort();
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function readPath(
  path: string,
  format: DataValueFormat,
  options: { firstRowIsHeader?: boolean } = {},
): Promise<{ source: DataValueSource; records: DataValueRecord[] }> {
  const source = await readDataValues(() => openInput(path), { format, fileName: basename(path), ...options });
  return { source, records: await collect(source.values()) };
}

/** The error an async step fails with, for asserting on it. */
export async function failure(step: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await step();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a failure, but the step succeeded');
}

/** The records read before a failure, and the failure. */
export async function readUntilFailure<T>(items: AsyncIterable<T>): Promise<{ items: T[]; error: Error & Record<string, unknown> }> {
  const out: T[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch (error) {
    return { items: out, error: error as Error & Record<string, unknown> };
  }
  throw new Error(`expected a failure after ${out.length} items, but reading succeeded`);
}

/** A fresh folder for a test's files; `remove` deletes it. */
export function scratchDir(): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'dhis2-ie-formats-'));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
