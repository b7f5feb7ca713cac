import { SpooledBody } from '../body';
import { dhis2Date } from '../dates';
import { adxPreflight, decideExportAccess, type ExportFormat, exportBody, parseExportParams, validateExport } from '../dv-export';
import { type ImportFormat, runImport } from '../dv-import';
import { type ImportOptions, importOptionsJson, parseImportOptions } from '../dv-options';
import { importSummaryMessage, importSummaryXml, type ImportSummary } from '../dv-summary';
import { header, type SimRequest } from '../request';
import { gzipIfAccepted, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { takeAsyncJobFault, type AsyncJobFault, type DataValuePost, type SimState } from '../state';
import type { JobProgress } from '../tasks';
import { hasAuthority, type SimUser } from '../users';
import { webMessage, webMessageResponse } from '../webmessage';

/** /api/dataValueSets: imports (DataValueSetController POST) and exports (GET). */

const CONSUMES: Record<string, ImportFormat> = {
  'application/json': 'json',
  'application/xml': 'xml',
  'application/adx+xml': 'adx',
  'application/csv': 'csv',
  'application/pdf': 'pdf',
};

const MIME: Record<ImportFormat, string> = {
  json: 'application/json',
  xml: 'application/xml',
  adx: 'application/adx+xml',
  csv: 'application/csv',
  pdf: 'application/pdf',
};

function problem(req: SimRequest, status: number, message: string, extra: { errorCode?: string } = {}): SimResponse {
  const response = webMessageResponse(webMessage(status, message, extra), { accept: header(req, 'accept') });
  if (status >= 400) response.headers['Cache-Control'] = 'no-cache, private';
  return response;
}

function currentUser(ctx: RouteContext): SimUser {
  if (!ctx.user) throw new Error('Route needs an authenticated user');
  return ctx.user;
}

function recordPost(state: SimState, body: SpooledBody, contentType: string, options: ImportOptions): DataValuePost {
  const now = new Date().toISOString();
  let post = state.dataValuePosts.get(body.sha256);
  if (!post) {
    post = {
      sha256: body.sha256,
      count: 0,
      bytes: body.size,
      contentType,
      async: options.async,
      dryRun: options.dryRun,
      statuses: [],
      values: 0,
      firstAt: now,
      lastAt: now,
    };
    state.dataValuePosts.set(body.sha256, post);
  }
  post.count++;
  post.lastAt = now;
  post.async = options.async;
  post.dryRun = options.dryRun;
  return post;
}

/** WebMessage with the summary, or (for /api/37 and older) the bare summary with 200, as WebMessageControllerAdvice does. */
function summaryResponse(req: SimRequest, summary: ImportSummary): SimResponse {
  if (req.apiVersion !== null && req.apiVersion < 38) {
    return { status: 200, headers: { 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(summary.toJSON()) };
  }
  const { status, body } = importSummaryMessage(summary);
  const headers: Record<string, string> = {};
  if (status >= 400) headers['Cache-Control'] = 'no-cache, private';
  if ((header(req, 'accept') ?? '').includes('application/xml')) {
    return { status, headers: { 'Content-Type': 'application/xml', ...headers }, body: importSummaryXml(summary, status) };
  }
  return { status, headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(body) };
}

async function importDataValueSets(ctx: RouteContext): Promise<SimResponse> {
  const { req, state } = ctx;
  const user = currentUser(ctx);
  const rawType = header(req, 'content-type') ?? 'application/octet-stream';
  const format = CONSUMES[rawType.split(';')[0]?.trim().toLowerCase() ?? ''];
  if (!format) return problem(req, 415, `Content type '${rawType}' not supported`);
  const parsed = parseImportOptions(req.query);
  if (!parsed.ok) return problem(req, 400, parsed.message);
  if (!hasAuthority(user, 'F_DATAVALUE_ADD')) return problem(req, 403, 'Access is denied');
  const options = parsed.options;
  const body = req.stream ? await SpooledBody.from(req.stream) : SpooledBody.fromBuffer(req.body);
  const post = recordPost(state, body, MIME[format], options);
  if (options.async) {
    const kickoff = startAsyncImport(ctx, user, format, options, body, post);
    post.statuses.push(200);
    return kickoff;
  }
  // Injected faults hit the next import whether it runs in a job or in the request: a lost database
  // connection ends either with an ERROR summary; a crash in the request is a 500, as a servlet that throws.
  const fault = takeAsyncJobFault(state, 'DATAVALUE_IMPORT');
  try {
    const result = await importMeeting(fault, { state, user, format, options, body });
    result.summary.importOptions = options;
    post.values = result.processed;
    const response = summaryResponse(req, result.summary);
    post.statuses.push(response.status);
    return response;
  } finally {
    await body.dispose();
  }
}

/** JobConfigurationWebMessageResponse, and the job that runs like DataValueSetImportJob. */
function startAsyncImport(ctx: RouteContext, user: SimUser, format: ImportFormat, options: ImportOptions, body: SpooledBody, post: DataValuePost): SimResponse {
  const { req, state } = ctx;
  const parameters = importOptionsJson(options);
  const job = state.tasks.create('DATAVALUE_IMPORT', parameters);
  const fault: AsyncJobFault | undefined = takeAsyncJobFault(state, 'DATAVALUE_IMPORT');
  void state.tasks
    .schedule(job, async (progress) => {
      try {
        await runJob(progress, state, user, format, options, body, fault, post);
      } finally {
        await body.dispose();
      }
    })
    .catch(() => undefined);
  const response = {
    name: job.name,
    id: job.id,
    created: dhis2Date(new Date(job.created)),
    jobType: job.type,
    jobStatus: 'NOT_STARTED',
    jobParameters: parameters,
    relativeNotifierEndpoint: `/api/system/tasks/${job.type}/${job.id}`,
    responseType: 'JobConfiguration',
  };
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8', Location: `${req.baseUrl}/api/system/tasks/${job.type}` },
    body: JSON.stringify({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK', message: `Initiated ${job.name}`, response }),
  };
}

interface ImportRun {
  state: SimState;
  user: SimUser;
  format: ImportFormat;
  options: ImportOptions;
  body: SpooledBody;
  /** True once the import must stop (server restart); only a job can be stopped. */
  shouldStop?: () => boolean;
}

/**
 * An import into the simulator's stores that meets the injected fault, if any, the same way in a job or
 * in the request: 'error' ends it with a lost database connection after N values, 'crash' throws there.
 */
function importMeeting(fault: AsyncJobFault | undefined, run: ImportRun) {
  const { state, user, format, options, body, shouldStop } = run;
  return runImport({
    format,
    body,
    env: {
      metadata: state.metadata,
      values: state.dataValues,
      registrations: state.registrations,
      user,
      options,
      failAfterValues: fault?.mode === 'error' ? { count: fault.afterValues, message: fault.message } : null,
    },
    shouldStop,
    onProgress: (processed) => {
      if (fault?.mode === 'crash' && processed >= fault.afterValues) throw new Error(fault.message);
    },
  });
}

async function runJob(
  progress: JobProgress,
  state: SimState,
  user: SimUser,
  format: ImportFormat,
  options: ImportOptions,
  body: SpooledBody,
  fault: AsyncJobFault | undefined,
  post: DataValuePost,
): Promise<void> {
  progress.notify('Data value set import', { data: importOptionsJson(options, true) });
  progress.notify('Loading file resource');
  progress.notify('Loading file content');
  progress.notify('Importing data...');
  if (format === 'adx') {
    // DefaultAdxDataService clears the job's notifications and reports on its own.
    progress.clear();
    progress.notify('ADX parsing process started');
    progress.notify('Starting to import ADX data groups.');
  }
  const result = await importMeeting(fault, { state, user, format, options, body, shouldStop: () => progress.stopped() });
  if (progress.stopped()) return;
  const summary = result.summary;
  post.values = result.processed;
  if (format === 'adx') {
    if (summary.status === 'ERROR' && summary.description?.startsWith('Data set import failed')) {
      progress.notify('ADX data import done', { level: 'ERROR', completed: true });
    }
    progress.notify('ADX data import done', { completed: true });
  }
  const count = summary.importCount;
  progress.notify(
    `Import complete with status ${summary.status}, ${count.imported} created, ${count.updated} updated, ${count.deleted} deleted, ${count.ignored} ignored`,
    {
      completed: true,
    },
  );
  // notifier.addJobSummary with options.getNotificationLevel(INFO): OFF stores nothing.
  if (options.notificationLevel !== 'OFF') progress.setSummary(summary.toJSON());
}

// -------------------------------------------------------------------------------------------------
// Export
// -------------------------------------------------------------------------------------------------

const EXTENSION_FORMATS: Record<string, ExportFormat> = { json: 'json', xml: 'xml', csv: 'csv', 'adx.xml': 'adx' };

/** The representation: the format parameter, then the path extension, then Accept (JSON by default). */
function exportFormat(req: SimRequest): ExportFormat | null {
  const format = req.query.get('format');
  if (format !== null) return format === 'xml' ? 'xml' : format === 'adx+xml' ? 'adx' : format === 'csv' ? 'csv' : 'json';
  if (req.extension !== null) return EXTENSION_FORMATS[req.extension] ?? null;
  const accept = (header(req, 'accept') ?? '').toLowerCase();
  if (accept.includes('application/adx+xml')) return 'adx';
  if (accept.includes('application/json')) return 'json';
  if (accept.includes('application/xml')) return 'xml';
  if (accept.includes('application/csv') || accept.includes('text/csv')) return 'csv';
  return 'json';
}

function exportDataValueSets(ctx: RouteContext): SimResponse {
  const { req, state } = ctx;
  const user = currentUser(ctx);
  const format = exportFormat(req);
  if (!format) return problem(req, 406, 'Could not find acceptable representation');
  const parsed = parseExportParams(req.query, format, state.metadata);
  if ('problem' in parsed)
    return problem(req, parsed.problem.status, parsed.problem.message, parsed.problem.errorCode ? { errorCode: parsed.problem.errorCode } : {});
  const params = parsed.params;
  const failure = validateExport(params) ?? decideExportAccess(params, state.metadata, user);
  if (failure) return problem(req, failure.status, failure.message, failure.errorCode ? { errorCode: failure.errorCode } : {});
  if (format === 'adx') {
    const adxProblem = adxPreflight(params, state.metadata);
    if (adxProblem) return problem(req, 409, adxProblem);
  }
  const { headers, body } = exportBody(params, state, user, req.query.get('attachment'), req.query.get('compression'));
  return gzipIfAccepted(header(req, 'accept-encoding'), { status: 200, headers, body });
}

export const dataValueRoutes: Route[] = [
  { method: 'POST', path: '/dataValueSets', handler: importDataValueSets, streamBody: true },
  { method: 'GET', path: '/dataValueSets', handler: exportDataValueSets },
];
