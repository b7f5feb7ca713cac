import { Readable } from 'node:stream';
import type { ImportMetadataParams } from '../../../shared/metadata-import';
import { FormatError, at } from '../formats/format-error';
import type { OpenedMetadataFile } from './open-file';

/**
 * The query string DHIS2's Metadata import page sends (import-export-app src/pages/MetadataImport),
 * with the app's bugs left out: `atomicMode` is ALL or NONE (the app's OBJECT is unknown to servers),
 * and the CSV options go only with CSV.
 */
export function metadataSendParams(params: ImportMetadataParams, format: OpenedMetadataFile['format'], overrides: { dryRun?: boolean; async?: boolean } = {}) {
  const dryRun = overrides.dryRun ?? params.dryRun;
  const out: Record<string, string | boolean> = {
    importMode: dryRun ? 'VALIDATE' : 'COMMIT',
    identifier: params.identifier,
    importReportMode: params.importReportMode,
    preheatMode: params.preheatMode,
    importStrategy: params.importStrategy,
    atomicMode: params.atomicMode,
    mergeMode: params.mergeMode,
    flushMode: params.flushMode,
    skipSharing: params.skipSharing,
    skipTranslation: params.skipTranslation,
    skipValidation: params.skipValidation,
    inclusionStrategy: params.inclusionStrategy,
    async: overrides.async ?? params.async,
  };
  if (format === 'csv') {
    out.classKey = params.classKey ?? '';
    out.firstRowIsHeader = params.firstRowIsHeader;
  }
  return out;
}

export interface MetadataBody {
  contentType: 'application/json' | 'application/csv';
  /** Opened afresh for every send. */
  open(): Readable;
}

/** JSON and CSV go as they are (decompressed); DXF2 XML goes as the JSON DHIS2 2.39+ takes, built while sending. */
export function metadataBody(opened: OpenedMetadataFile, fileName: string): MetadataBody {
  if (opened.format === 'csv') return { contentType: 'application/csv', open: () => opened.open() };
  if (opened.format === 'json') return { contentType: 'application/json', open: () => opened.open() };
  return { contentType: 'application/json', open: () => Readable.from(xmlAsJson(opened, fileName)) };
}

async function* xmlAsJson(opened: OpenedMetadataFile, fileName: string): AsyncGenerator<string, void, undefined> {
  const written = new Set<string>();
  let current: string | null = null;
  let first = true;
  yield '{';
  for await (const record of opened.objects({ header: {}, notes: [] })) {
    if (record.type !== current) {
      if (written.has(record.type)) {
        throw new FormatError(
          'XML_SPLIT_COLLECTION',
          `${at(fileName, record.line)}: <${record.type}> appears a second time; put all ${record.type} in one <${record.type}> element.`,
          { file: fileName, line: record.line },
        );
      }
      if (current !== null) yield ']';
      yield `${written.size > 0 ? ',' : ''}${JSON.stringify(record.type)}:[`;
      written.add(record.type);
      current = record.type;
      first = true;
    }
    yield `${first ? '' : ','}${JSON.stringify(record.object)}`;
    first = false;
  }
  if (current !== null) yield ']';
  yield '}';
}

/** Time for one request: at least two minutes, and enough to push the file at 16 KB/s (a poor rural link). */
export function sendTimeoutMs(fileBytes: number): number {
  return Math.max(120_000, Math.ceil(fileBytes / 16_384) * 1000);
}
