import { describeResent, type ImportDataParams, type ImportDataResult, type OfflineValidation } from '../../../shared/data-import';
import type { MetadataIndex } from '../metadata/index';
import type { DataValueRecord } from '../datavalues/types';
import { openDataFile, type OpenedDataFile } from '../datavalues/open-data-file';
import { applyHeader, sendParams } from '../datavalues/send-params';
import { flushDataValues, type FlushCheckpoint } from '../datavalues/flush';
import { attachLines } from '../datavalues/attach-lines';
import type { CheckMemo, RememberedCheck } from '../datavalues/check-memo';
import { JobFailure, type KindPlugin } from './plugin';

/** What the offline check hands the import: its verdict, and the values with ids translated to UIDs. */
export interface CheckedFile {
  validation: OfflineValidation;
  /** Set when DHIS2 would refuse the whole file (unknown data set, header org unit...): nothing is sent. */
  abort: { code: string; message: string } | null;
  /** True when this is the check made when the file was queued, not a new one. */
  remembered?: boolean;
  translated(): AsyncIterable<DataValueRecord>;
}

export interface ImportDataDeps {
  indexFor(serverId: string | null): MetadataIndex | null;
  check(opened: OpenedDataFile, params: ImportDataParams, index: MetadataIndex, fileName: string, remembered?: RememberedCheck | null): Promise<CheckedFile>;
  /** Checks made when files were queued: the job reuses one that is provably the same check instead of reading the file twice. */
  checks?: Pick<CheckMemo, 'get'>;
}

export type { ImportDataResult } from '../../../shared/data-import';

interface Checkpoint {
  flush: FlushCheckpoint;
}

/**
 * Data value import: read the stored file, check it offline against the server's metadata,
 * translate ids, then send it in chunks that survive restarts and dropped connections.
 */
export function importDataJob(deps: ImportDataDeps): KindPlugin<'import-data'> {
  return {
    type: 'import-data',
    needsServer: () => true,
    title: (params, files) => `${params.dryRun ? 'Dry run of ' : ''}${files[0]?.name ?? 'data values'}`,
    async run(ctx) {
      const file = ctx.files[0];
      if (!file) throw new JobFailure('fatal', 'NO_FILE', 'This job has no file to import.');
      const { params } = ctx;

      ctx.setPhase('validating');
      const opened = await openDataFile(file.path, file.ref.name, params);
      const { header } = opened.source;
      const index = deps.indexFor(ctx.job.serverId);
      let validation: OfflineValidation | null = null;
      let records: () => AsyncIterable<DataValueRecord> = async function* () {
        for await (const record of opened.source.values()) yield applyHeader(record, header);
      };
      if (index) {
        const remembered = deps.checks?.get({ sha256: file.ref.sha256, fileName: file.ref.name, params, index }) ?? null;
        const checked = await deps.check(opened, params, index, file.ref.name, remembered);
        validation = checked.validation;
        const c = validation.summary.importCount;
        ctx.log(
          'info',
          `Offline check of ${validation.checked.toLocaleString('en')} values (${validation.metadataLabel}${checked.remembered ? ', made when the file was queued' : ''}): ${validation.summary.conflicts.length} kinds of conflict predicted, ${c.ignored} values to be ignored.`,
        );
        if (checked.abort) throw new JobFailure('fix', checked.abort.code, checked.abort.message);
        records = () => checked.translated();
      } else {
        ctx.log('warn', 'No offline metadata for this server: the values go unchecked, and the server checks them.');
      }

      // The server names values by their position in what it received; number them so, keeping each file line.
      const unnumbered = records;
      const sent = async function* () {
        let position = 0;
        for await (const record of unnumbered()) yield { ...record, index: position++ };
      };

      ctx.setPhase('uploading');
      const client = await ctx.server();
      const result = await flushDataValues({
        client,
        records: sent,
        params: { ...sendParams(params, header, index !== null), ...(params.dataSet ? { dataSet: params.dataSet } : {}) },
        set: { dataSet: header.dataSet ?? params.dataSet ?? null, completeDate: header.completeDate },
        chunkSize: params.chunkSize,
        totalValues: validation?.checked ?? null,
        // Parts may overlap on the server only when the offline check saw no key twice (DHIS2 keeps the last).
        parallel: validation !== null && validation.duplicates.count === 0,
        checkpoint: ctx.checkpoint<Checkpoint>()?.flush ?? null,
        saveCheckpoint: (flush, progress, logMessage) => ctx.saveCheckpoint({ flush } satisfies Checkpoint, progress, logMessage),
        log: (level, message) => ctx.log(level, message),
        signal: ctx.signal,
      });
      for (const part of result.resent) ctx.log('warn', describeResent(part));
      const server = await attachLines(result.summary, sent);
      const c = server.importCount;
      ctx.log(
        'info',
        `Server: ${server.status}; ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted, ${server.conflicts.length} conflicts.`,
      );
      return {
        server,
        validation,
        chunks: result.parts,
        resentChunks: result.resent.length,
        resent: result.resent,
        dryRun: params.dryRun,
      } satisfies ImportDataResult;
    },
  };
}
