import type { SpooledBody } from './body';
import { DataValueImport, ImportFailure, type ImportEnvironment } from './dv-engine';
import type { ImportOptions } from './dv-options';
import { AdxFatal, readAdx, readCsvSet, readJsonSet, readXmlSet, type ReaderEvent } from './dv-readers';
import { failedSummary, ImportConflict, ImportSummary } from './dv-summary';
import { CODE_SCHEME } from './id-schemes';

/** Runs one data value set import from a spooled body to its ImportSummary, in any of the formats DHIS2 2.41 takes. */

export type ImportFormat = 'json' | 'xml' | 'csv' | 'adx' | 'pdf';

/** Thrown when a running job is abandoned because the simulated server restarted. */
export class ImportAborted extends Error {
  override name = 'ImportAborted';
}

export interface RunImport {
  format: ImportFormat;
  body: SpooledBody;
  env: ImportEnvironment;
  /** True once the import must stop (server restart). */
  shouldStop?: () => boolean;
  /** Called after each batch of values with the number processed so far. */
  onProgress?: (processed: number) => void;
}

export interface ImportResult {
  summary: ImportSummary;
  /** The options the summary carries: ADX imports run with a copy whose notification level is OFF. */
  engineOptions: ImportOptions;
  /** Values the reader handed to the import. */
  processed: number;
}

/** new ImportSummary(): ERROR, "Data set import failed within group number: N", with the ADX error as a conflict. */
function adxFatalSummary(error: AdxFatal): ImportSummary {
  const summary = new ImportSummary();
  summary.status = 'ERROR';
  summary.description = `Data set import failed within group number: ${error.groupNumber}`;
  if (error.object !== null) summary.addConflict(ImportConflict.legacy(error.object, error.message));
  return summary;
}

export async function runImport(run: RunImport): Promise<ImportResult> {
  const { format, body } = run;
  const options = run.env.options;
  let engineOptions = options;
  if (format === 'adx') {
    // DefaultAdxDataService: CODE becomes the default scheme of the request's own options; the DXF import
    // behind it gets a copy with notifications off.
    options.idSchemes.setDefault(CODE_SCHEME);
    engineOptions = { ...options, notificationLevel: 'OFF' };
  }
  const engine = new DataValueImport({ ...run.env, options: engineOptions });
  if (format === 'pdf') {
    return { summary: failedSummary('PDF data value import is not supported by the simulator'), engineOptions, processed: 0 };
  }
  const source = () => body.text(format === 'csv');
  let reader: AsyncGenerator<ReaderEvent>;
  switch (format) {
    case 'json':
      reader = readJsonSet(source);
      break;
    case 'xml':
      reader = readXmlSet(source);
      break;
    case 'csv':
      reader = readCsvSet(source, { firstRowIsHeader: options.firstRowIsHeader, dataSet: options.dataSet });
      break;
    case 'adx':
      reader = readAdx(source, { metadata: run.env.metadata, idSchemes: options.idSchemes });
      break;
  }
  const adxConflicts: { object: string; message: string }[] = [];
  let summary: ImportSummary;
  try {
    let aborted = false;
    for await (const event of reader) {
      if (run.shouldStop?.()) throw new ImportAborted('The server restarted');
      if (event.kind === 'header') {
        if (!engine.start(event.header)) {
          aborted = true;
          break;
        }
      } else if (event.kind === 'values') {
        for (const entry of event.entries) engine.value(entry);
        run.onProgress?.(engine.processed);
      } else {
        adxConflicts.push(...event.conflicts);
      }
    }
    summary = aborted ? engine.summary : engine.finish();
  } catch (error) {
    engine.abandon();
    await reader.return(undefined).catch(() => undefined);
    if (error instanceof AdxFatal) return { summary: adxFatalSummary(error), engineOptions, processed: engine.processed };
    if (error instanceof ImportFailure) summary = failedSummary(error.message);
    else throw error;
  }
  if (format === 'adx' && adxConflicts.length > 0) {
    // The ADX service adds its own conflicts after the DXF import without touching the status.
    for (const conflict of adxConflicts) summary.addConflict(ImportConflict.legacy(conflict.object, conflict.message));
    summary.importCount = { ...summary.importCount, ignored: summary.importCount.ignored + adxConflicts.length };
  }
  return { summary, engineOptions, processed: engine.processed };
}
