import { type ImportMetadataParams, type ImportMetadataResult, type MetadataOfflineCheck } from '../../../shared/metadata-import';
import { flattenErrors, type ImportReport } from '../../../shared/import-report';
import type { Job } from '../../../shared/jobs';
import type { Dhis2Client } from '../dhis2/client';
import { parseImportReport, postMetadata } from '../dhis2/metadata-import';
import { TaskFailedError, TaskLostError, waitForTask, type PollOptions } from '../dhis2/tasks';
import { FormatError } from '../formats/format-error';
import type { MetadataIndex } from '../metadata/index';
import { checkMetadataFile, openMetadataFile, type OpenedMetadataFile } from '../metadata-import/open-file';
import { metadataBody, metadataSendParams, sendTimeoutMs } from '../metadata-import/send';
import { nowIso } from '../time';
import { neverReachedServer, streamToSend } from '../dhis2/import-delivery';
import { JobFailure, type JobContext, type KindPlugin } from './plugin';

export interface ImportMetadataDeps {
  indexFor(serverId: string | null): MetadataIndex | null;
  /** Queues a metadata sync of the server so the offline copy catches up with what was imported. */
  requestSync(serverId: string | null): Job;
  poll?: Omit<PollOptions, 'signal' | 'onNotification'>;
}

/**
 * Where the one request of a metadata import stands. Written before the POST (`sending`: if the app dies
 * now, nobody knows whether the server got it) and when the server accepts it as a job (`submitted`:
 * a restart follows that job instead of posting again).
 */
type Checkpoint =
  | { version: 1; state: 'sending'; attempt: number; at: string; validateOnly: boolean }
  | { version: 1; state: 'submitted'; attempt: number; jobType: string; jobId: string; validateOnly: boolean };

/**
 * Metadata import: check the stored file offline, then send it to /api/metadata as one server job and
 * follow that job to its ImportReport, across restarts, by the delivery rules every import shares
 * (dhis2/import-delivery.ts: gzipped body, one polling pace, `sending` cleared only when DHIS2 never read it). Ends by queueing a metadata sync when the
 * import changed the server, so the offline checks of later imports see the new objects.
 */
export function importMetadataJob(deps: ImportMetadataDeps): KindPlugin<'import-metadata'> {
  return {
    type: 'import-metadata',
    needsServer: () => true,
    title: (params, files) => `${params.dryRun ? 'Dry run of ' : params.importStrategy === 'DELETE' ? 'Delete with ' : ''}${files[0]?.name ?? 'metadata'}`,
    async run(ctx) {
      const file = ctx.files[0];
      if (!file) throw new JobFailure('fatal', 'NO_FILE', 'This job has no file to import.');
      const { params } = ctx;

      ctx.setPhase('validating');
      let opened: OpenedMetadataFile;
      let check: MetadataOfflineCheck;
      try {
        opened = await openMetadataFile(file.path, file.ref.name, params);
        check = await checkMetadataFile(opened, params, deps.indexFor(ctx.job.serverId), ctx.signal);
      } catch (error) {
        if (error instanceof FormatError) throw new JobFailure('fix', error.code, error.message);
        throw error;
      }
      logCheck(ctx, check);

      const client = await ctx.server();
      const sender = new Sender(ctx, client, opened, file.ref.name, file.ref.size, deps.poll);
      let server: ImportReport;
      let recovered: string | null = null;
      const checkpoint = ctx.checkpoint<Checkpoint>();
      if (checkpoint?.state === 'submitted') {
        ctx.log('info', `Following server job ${checkpoint.jobId}, which an earlier attempt started.`);
        ctx.setPhase('server-processing');
        try {
          server = await sender.follow(checkpoint.jobType, checkpoint.jobId);
        } catch (error) {
          // A job the server lost, or one that ended without a report, will never give one: following it again would wait forever.
          if (error instanceof TaskLostError)
            ({ server, recovered } = await sender.recover(`The server no longer knows import job ${checkpoint.jobId} (it may have restarted)`));
          else if (error instanceof TaskFailedError)
            ({ server, recovered } = await sender.recover(`The server's import job ${checkpoint.jobId} ended without a report (${error.message})`));
          else throw error;
        }
      } else if (checkpoint?.state === 'sending') {
        ({ server, recovered } = await sender.recover('An earlier try did not finish sending the file, so whether the server received it is not known'));
      } else {
        try {
          server = await sender.send(params.dryRun);
        } catch (error) {
          if (!(error instanceof TaskLostError)) throw error;
          ({ server, recovered } = await sender.recover('The server lost track of the import job (it may have restarted)'));
        }
      }

      const s = server.stats;
      ctx.log(
        server.status === 'OK' ? 'info' : 'warn',
        `Server: ${server.status}; ${s.created} created, ${s.updated} updated, ${s.deleted} deleted, ${s.ignored} ignored${params.dryRun ? ' (dry run: nothing was saved)' : ''}.`,
      );
      for (const { error } of flattenErrors(server).slice(0, 5)) ctx.log('warn', `Server: ${error.errorCode ?? ''} ${error.message}`.trim());

      let metadataSync: ImportMetadataResult['metadataSync'] = 'not-needed';
      if (!params.dryRun && s.created + s.updated + s.deleted > 0) {
        try {
          const sync = deps.requestSync(ctx.job.serverId);
          metadataSync = 'queued';
          ctx.log('info', `The server's metadata changed: metadata sync queued (job ${sync.id.slice(0, 8)}) so offline checks see the new objects.`);
        } catch {
          metadataSync = 'suggested';
          ctx.log('warn', "The server's metadata changed: sync the offline metadata (Servers page or `dhis2-ie metadata sync`) so offline checks see it.");
        }
      }
      return { server, check, dryRun: params.dryRun, recovered, metadataSync } satisfies ImportMetadataResult;
    },
  };
}

function logCheck(ctx: JobContext<ImportMetadataParams>, check: MetadataOfflineCheck): void {
  const errors = flattenErrors(check.report).length;
  const where = check.metadataLabel ?? 'no offline metadata: file only';
  ctx.log(
    errors > 0 ? 'warn' : 'info',
    `Offline check of ${check.objects.toLocaleString('en')} objects (${where}): ${check.report.status}, ${errors} ${errors === 1 ? 'error' : 'errors'} predicted.`,
  );
}

/** The one request, its server job, and what to do when the outcome of an earlier try is unknown. */
class Sender {
  constructor(
    private readonly ctx: JobContext<ImportMetadataParams>,
    private readonly client: Dhis2Client,
    private readonly opened: OpenedMetadataFile,
    private readonly fileName: string,
    private readonly fileBytes: number,
    private readonly poll: ImportMetadataDeps['poll'],
  ) {}

  /**
   * Sends the file (gzipped where 2.41 reads gzip) and follows its server job. `afterUnknown`: an earlier try's
   * outcome is unknown, so a failure of this one must leave the checkpoint saying so, whatever it was.
   */
  async send(validateOnly: boolean, afterUnknown = false): Promise<ImportReport> {
    const { ctx } = this;
    const previous = ctx.checkpoint<Checkpoint>();
    const attempt = (previous?.attempt ?? 0) + 1;
    ctx.setPhase('uploading');
    ctx.saveCheckpoint({ version: 1, state: 'sending', attempt, at: nowIso(), validateOnly } satisfies Checkpoint, {
      done: 0,
      total: null,
      message: validateOnly ? 'Sending the file for checking' : 'Sending the file',
    });
    const body = metadataBody(this.opened, this.fileName);
    const inflated = this.opened.compression === 'none' ? this.fileBytes : this.fileBytes * 10;
    let kickoff;
    try {
      kickoff = await postMetadata(this.client, streamToSend('metadata', body.contentType, body.open()), {
        contentType: body.contentType,
        params: metadataSendParams(ctx.params, this.opened.format, { dryRun: validateOnly }),
        signal: ctx.signal,
        timeoutMs: sendTimeoutMs(inflated),
      });
    } catch (error) {
      // DHIS2 never read this body (refused at the door, or never reached): nothing to re-check on the next try.
      if (!afterUnknown && neverReachedServer(error)) ctx.saveCheckpoint(null, { done: 0, total: null, message: 'The file was not sent' });
      throw error;
    }
    if (kickoff.kind === 'report') return kickoff.report;
    ctx.saveCheckpoint(
      { version: 1, state: 'submitted', attempt, jobType: kickoff.jobType, jobId: kickoff.jobId, validateOnly } satisfies Checkpoint,
      { done: 0, total: null, message: 'The server is importing the file' },
      `File sent; server job ${kickoff.jobId} (${kickoff.jobType}).`,
    );
    ctx.setPhase('server-processing');
    return this.follow(kickoff.jobType, kickoff.jobId);
  }

  async follow(jobType: string, jobId: string): Promise<ImportReport> {
    const raw = await waitForTask(this.client, jobType, jobId, {
      ...this.poll,
      signal: this.ctx.signal,
      onNotification: (n) => {
        if (n.message && n.level === 'ERROR') this.ctx.log('error', `Server: ${n.message}`);
        else if (n.message) this.ctx.progress(0, null, `Server: ${n.message}`);
      },
    });
    return parseImportReport(raw);
  }

  /**
   * An earlier try's outcome is unknown. A dry run, CREATE_AND_UPDATE and UPDATE are sent again (the
   * same file gives the same end state). CREATE and DELETE are first re-checked with a dry run: if every
   * object already exists (CREATE) or is already gone (DELETE), the earlier try went through.
   */
  async recover(why: string): Promise<{ server: ImportReport; recovered: string }> {
    const { params } = this.ctx;
    if (params.dryRun || params.importStrategy === 'CREATE_AND_UPDATE' || params.importStrategy === 'UPDATE') {
      const note = `${why}. The file was sent again, which is safe with ${params.dryRun ? 'a dry run' : params.importStrategy}: objects the first send already saved show as updated.`;
      this.ctx.log('warn', note);
      return { server: await this.send(params.dryRun, true), recovered: note };
    }
    this.ctx.log('warn', `${why}. Checking with the server (a dry run) before sending again.`);
    const probe = await this.send(true, true);
    const code = params.importStrategy === 'CREATE' ? 'E5000' : 'E5001';
    const errors = flattenErrors(probe);
    const objects = probe.stats.total;
    if (objects > 0 && errors.length >= objects && errors.every(({ error }) => error.errorCode === code)) {
      const note = `${why}. A re-check shows every object ${params.importStrategy === 'CREATE' ? 'already exists' : 'is already gone'} on the server, so the earlier send went through; it was not sent again. The report below is the re-check's.`;
      this.ctx.log('warn', note);
      return { server: probe, recovered: note };
    }
    const note = `${why}. A re-check shows the import had not been applied, so the file was sent again.`;
    this.ctx.log('warn', note);
    return { server: await this.send(false, true), recovered: note };
  }
}
