import { SpooledBody } from '../body';
import { dhis2Date } from '../dates';
import { CSV_IMPORT_CLASSES, CsvValueError, isCsvImportClass, metadataFromCsv } from '../md-csv';
import { importMetadata, MetadataImportCrash, type MetadataImportEnv } from '../md-import';
import { JsonSyntaxError, parseJsonPayload } from '../md-json';
import { metadataImportParamsJson, type MetadataImportParams, parseMetadataImportParams } from '../md-params';
import type { ImportReport } from '../md-report';
import { header, type SimRequest } from '../request';
import type { SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { takeAsyncJobFault, type SimState } from '../state';
import type { JobProgress } from '../tasks';
import type { SimUser } from '../users';
import { webMessage, webMessageResponse } from '../webmessage';

/**
 * POST /api/metadata (MetadataImportExportController, 2.41): JSON, or CSV with classKey; XML metadata
 * import is gone since 2.39, so application/xml gets Spring's 415 like any other type. async=true
 * runs the import as a METADATA_IMPORT job. GET /api/metadata/csvImportClasses lists the CSV classes.
 */

const JSON_UTF8 = 'application/json;charset=UTF-8';

type Format = 'json' | 'csv';

// Error answers carry the same Cache-Control as the data value import's.
const NO_CACHE = { 'Cache-Control': 'no-cache, private' };

function problem(req: SimRequest, status: number, message: string, errorCode?: string): SimResponse {
  return webMessageResponse(webMessage(status, message, errorCode === undefined ? {} : { errorCode }), { accept: header(req, 'accept'), headers: NO_CACHE });
}

function currentUser(ctx: RouteContext): SimUser {
  if (!ctx.user) throw new Error('Route needs an authenticated user');
  return ctx.user;
}

/** WebMessageUtils.importReport, or the bare ImportReport for /api/37 and older (withPlainResponseBefore V38). */
function reportResponse(req: SimRequest, report: ImportReport): SimResponse {
  if (req.apiVersion !== null && req.apiVersion < 38) {
    return { status: 200, headers: { 'Content-Type': JSON_UTF8 }, body: JSON.stringify(report.toJSON()) };
  }
  const body =
    report.status === 'OK'
      ? { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', response: report.responseJson() }
      : {
          httpStatus: 'Conflict',
          httpStatusCode: 409,
          status: 'WARNING',
          message: 'One or more errors occurred, please see full details in import report.',
          response: report.responseJson(),
        };
  const headers = body.httpStatusCode === 200 ? { 'Content-Type': JSON_UTF8 } : { 'Content-Type': JSON_UTF8, ...NO_CACHE };
  return { status: body.httpStatusCode, headers, body: JSON.stringify(body) };
}

function environment(state: SimState, user: SimUser, progress?: (message: string) => void): MetadataImportEnv {
  return { store: state.metadata, user, accounts: [...state.users.values()], values: state.dataValues, ...(progress ? { progress } : {}) };
}

/** The payload a body describes; throws JsonSyntaxError / CsvValueError for what DHIS2 rejects before importing. */
async function payloadOf(state: SimState, body: SpooledBody, format: Format, params: MetadataImportParams): Promise<Record<string, unknown>> {
  if (format === 'csv') {
    // The CSV path reads the raw request stream: no gzip or zip unpacking, unlike JSON.
    const chunks: Buffer[] = [];
    for await (const chunk of body.bytes()) chunks.push(chunk);
    const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks));
    return metadataFromCsv(text, isCsvImportClass(params.csvImportClass) ? params.csvImportClass : 'DATA_ELEMENT', params.firstRowIsHeader, state.metadata);
  }
  let text = '';
  for await (const part of body.text()) text += part;
  const parsed = parseJsonPayload(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

async function postMetadata(ctx: RouteContext): Promise<SimResponse> {
  const { req, state } = ctx;
  const user = currentUser(ctx);
  const rawType = header(req, 'content-type') ?? 'application/octet-stream';
  const mediaType = rawType.split(';')[0]?.trim().toLowerCase() ?? '';
  const format: Format | null = mediaType === 'application/json' ? 'json' : mediaType === 'application/csv' ? 'csv' : null;
  if (!format) return problem(req, 415, `Content type '${rawType}' not supported`);
  const params = parseMetadataImportParams(req.query);
  if (params.userOverrideMode === 'SELECTED' && !req.query.get('overrideUser')) {
    return problem(req, 409, 'UserOverrideMode.SELECTED is enabled, but overrideUser parameter does not point to a valid user.');
  }
  if (format === 'csv') {
    const classKey = req.query.get('classKey');
    // "Cannot find Csv import class:  <key>", two spaces, as the controller writes it.
    if (!isCsvImportClass(classKey)) return problem(req, 409, `Cannot find Csv import class:  ${classKey ?? 'null'}`);
    params.csvImportClass = classKey;
  }
  const body = req.stream ? await SpooledBody.from(req.stream) : SpooledBody.fromBuffer(req.body);
  if (params.async) return startAsyncImport(ctx, user, format, params, body);
  try {
    const payload = await payloadOf(state, body, format, params);
    const report = importMetadata(payload, params, environment(state, user));
    return reportResponse(req, report);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return problem(req, 409, error.message);
    if (error instanceof CsvValueError) return problem(req, 400, error.message);
    if (error instanceof MetadataImportCrash) return problem(req, 500, error.message);
    throw error;
  } finally {
    await body.dispose();
  }
}

/** JobConfigurationWebMessageResponse for a METADATA_IMPORT job, which then runs like MetadataImportJob. */
function startAsyncImport(ctx: RouteContext, user: SimUser, format: Format, params: MetadataImportParams, body: SpooledBody): SimResponse {
  const { req, state } = ctx;
  const parameters = metadataImportParamsJson(params);
  const job = state.tasks.create('METADATA_IMPORT', parameters);
  const fault = takeAsyncJobFault(state, 'METADATA_IMPORT');
  void state.tasks
    .schedule(job, async (progress) => {
      try {
        // An injected crash: the job fails before importing, as an exception in MetadataImportJob would.
        if (fault) throw new Error(fault.message);
        await runJob(progress, state, user, format, params, body);
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
    headers: { 'Content-Type': JSON_UTF8, Location: `${req.baseUrl}/api/system/tasks/${job.type}` },
    body: JSON.stringify({ httpStatus: 'OK', httpStatusCode: 200, status: 'OK', message: `Initiated ${job.name}`, response }),
  };
}

async function runJob(progress: JobProgress, state: SimState, user: SimUser, format: Format, params: MetadataImportParams, body: SpooledBody): Promise<void> {
  progress.notify('Metadata import started', { data: metadataImportParamsJson(params, true) });
  progress.notify('Loading file resource');
  progress.notify('Loading file content');
  let payload: Record<string, unknown>;
  try {
    payload = await payloadOf(state, body, format, params);
  } catch (error) {
    // MetadataImportJob catches IOException (a parse error) and fails the process with its message; there is no summary.
    if (error instanceof JsonSyntaxError || error instanceof CsvValueError) {
      progress.notify(error.message, { level: 'ERROR', completed: true });
      return;
    }
    throw error;
  }
  if (progress.stopped()) return;
  const report = importMetadata(
    payload,
    params,
    environment(state, user, (message) => progress.notify(message)),
  );
  progress.setSummary(report.toJSON());
  const stats = report.stats();
  progress.notify(
    `Import complete with status ${report.status}, ${stats.created} created, ${stats.updated} updated, ${stats.deleted} deleted, ${stats.ignored} ignored`,
    {
      level: report.status === 'ERROR' ? 'ERROR' : 'INFO',
      completed: true,
    },
  );
}

function csvImportClasses(): SimResponse {
  return { status: 200, headers: { 'Content-Type': JSON_UTF8 }, body: JSON.stringify(CSV_IMPORT_CLASSES) };
}

export const metadataImportRoutes: Route[] = [
  { method: 'POST', path: '/metadata', handler: postMetadata, streamBody: true },
  { method: 'GET', path: '/metadata/csvImportClasses', handler: csvImportClasses },
];
