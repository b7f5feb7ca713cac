import { join } from 'node:path';
import type { MetadataSnapshot } from '../../../shared/contract';
import { MetadataIndex } from '../metadata/index';
import {
  METADATA_TYPES,
  OptionSchema,
  RECORD_SCHEMAS,
  REFERENCE_KINDS,
  ReferenceRecordSchema,
  SNAPSHOT_KINDS,
  type OptionSet,
  type ReferenceKind,
  type ReferenceRecord,
  type SnapshotKind,
} from '../metadata/model';
import { emptyContent } from '../metadata/testing/generate';

/** Test helpers; not used by the app. */

export const METADATA_FIXTURES = join(__dirname, '../../../e2e/fixtures/metadata');

export function metadataFixture(...parts: string[]): string {
  return join(METADATA_FIXTURES, ...parts);
}

/**
 * An offline index holding the objects of a metadata export, as if synced from a server (holding every kind,
 * most of them empty) or loaded from a file (holding the collections it has). `kinds` overrides what is held;
 * null stands for a snapshot made before kinds were recorded.
 */
export function indexFromExport(
  exported: Record<string, unknown>,
  source: 'server' | 'file' = 'server',
  kinds: readonly SnapshotKind[] | null = source === 'server' ? SNAPSHOT_KINDS : SNAPSHOT_KINDS.filter((kind) => Array.isArray(exported[kind])),
): MetadataIndex {
  const content = emptyContent();
  const references: Partial<Record<ReferenceKind, ReferenceRecord[]>> = {};
  for (const kind of REFERENCE_KINDS) {
    const list = exported[kind];
    if (Array.isArray(list)) references[kind] = list.map((item) => ReferenceRecordSchema.parse(item));
  }
  for (const type of METADATA_TYPES) {
    const list = exported[type];
    if (!Array.isArray(list)) continue;
    for (const item of list) (content.records[type] as unknown[]).push(RECORD_SCHEMAS[type].parse(item));
  }
  const options = exported.options;
  if (Array.isArray(options)) {
    for (const item of options) {
      const { option, optionSet } = OptionSchema.parse(item);
      const set = content.records.optionSets.find((s: OptionSet) => s.id === optionSet || s.options.some((o) => o.id === option.id));
      if (!set) continue;
      const at = set.options.findIndex((o) => o.id === option.id);
      if (at === -1) set.options.push(option);
      else set.options[at] = option;
    }
  }
  const counts = Object.fromEntries(METADATA_TYPES.map((type) => [type, content.records[type].length]));
  const snapshot: MetadataSnapshot = {
    id: 'test-snapshot',
    serverId: null,
    source,
    label: source === 'server' ? 'https://dhis2.test' : 'test.json',
    version: '2.41.3',
    takenAt: '2024-05-01T10:00:00.000Z',
    loadedAt: '2024-05-01T10:00:00.000Z',
    username: null,
    counts,
    notes: [],
  };
  return MetadataIndex.build({ ...content, references, kinds }, snapshot);
}

/** DHIS2's default category objects, with the UIDs every instance has. */
export function defaultsExport(): Record<string, unknown[]> {
  return {
    categoryOptions: [{ id: 'xYerKDKCefk', name: 'default', shortName: 'default', code: 'default' }],
    categories: [{ id: 'GLevLNI9wkl', name: 'default', shortName: 'default', code: 'default', categoryOptions: [{ id: 'xYerKDKCefk' }] }],
    categoryCombos: [{ id: 'bjDvmb4bfuf', name: 'default', code: 'default', isDefault: true, categories: [{ id: 'GLevLNI9wkl' }] }],
    categoryOptionCombos: [
      { id: 'HllvX50cXC0', name: 'default', code: 'default', categoryCombo: { id: 'bjDvmb4bfuf' }, categoryOptions: [{ id: 'xYerKDKCefk' }] },
    ],
  };
}

/** An aggregate NUMBER data element as DHIS2 exports one ("ANC visits"), with `over` on top. */
export function dataElementFixture(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'DeAaaaaaaa1',
    name: 'ANC visits',
    shortName: 'ANC visits',
    valueType: 'NUMBER',
    domainType: 'AGGREGATE',
    aggregationType: 'SUM',
    ...over,
  };
}
