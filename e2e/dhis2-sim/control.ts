import { z } from 'zod';
import {
  describeIssues,
  DropInput,
  FailAsyncJobInput,
  FailInput,
  LatencyInput,
  LinkInput,
  OfflineInput,
  SchedulerInput,
  SeedMetadataInput,
} from './control-schemas';
import type { DataValueFilter, StoredDataValue } from './dv-store';
import type { Fault } from './faults';
import type { MetadataExport } from './metadata';
import type { SimResponse } from './respond';
import type { AsyncJobFault, DataValuePost } from './state';
import type { LinkSettings, Traffic } from './link';
import type { SchedulerTiming } from './tasks';

/** The control endpoint lives outside /api and keeps answering while the simulated server is "offline". */
export const CONTROL_PREFIX = '/__sim';

export interface RequestLogEntry {
  at: string;
  method: string;
  /** As requested, with query. */
  path: string;
  /** 0 when no answer was sent (offline, dropped). */
  status: number;
  user: string | null;
}

export interface SimStatus {
  url: string;
  version: string;
  online: boolean;
  offlineMode: 'reset' | 'hang';
  latencyMs: number;
  pendingFaults: Fault[];
  requestCount: number;
  hungRequests: number;
  pendingAsyncJobFaults: AsyncJobFault[];
  /** Rows in the datavalue table, soft-deleted ones included. */
  dataValueCount: number;
  scheduler: SchedulerTiming;
  link: LinkSettings;
  traffic: Traffic;
}

export interface SimControls {
  status(): SimStatus;
  requests(): readonly RequestLogEntry[];
  setOffline(offline: boolean, mode?: 'reset' | 'hang'): void;
  setLatency(ms: number): void;
  failNext(input: FailInput): void;
  dropNext(input: DropInput): void;
  reset(): void;
  seedMetadata(metadata: MetadataExport, options?: { replace?: boolean }): void;
  dataValues(filter?: DataValueFilter): StoredDataValue[];
  clearDataValues(): void;
  dataValuePosts(): DataValuePost[];
  failNextAsyncJob(input: FailAsyncJobInput): void;
  restartServer(): void;
  setScheduler(input: 'immediate' | 'dhis2' | Partial<SchedulerTiming>): void;
  setLink(input: Partial<LinkSettings>): void;
  traffic(): Traffic;
  resetTraffic(): void;
}

function answer(status: number, value: unknown): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: `${JSON.stringify(value, null, 2)}\n` };
}

function problem(status: number, message: string): SimResponse {
  return answer(status, { error: message });
}

/** An empty body counts as `{}`, so `curl -X POST .../__sim/reset` works. */
function readJson(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  const textBody = body.toString('utf8').trim();
  if (textBody === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(textBody) };
  } catch (error) {
    return { ok: false, message: `Body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type Action = (value: unknown) => SimResponse;

function withInput<S extends z.ZodType>(schema: S, apply: (input: z.output<S>) => void, controls: SimControls): Action {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) return problem(400, describeIssues(parsed.error));
    apply(parsed.data);
    return answer(200, controls.status());
  };
}

const HELP = {
  endpoints: {
    'GET /__sim/state': 'online flag, latency, pending faults, request count',
    'GET /__sim/requests': 'log of API requests',
    'POST /__sim/offline': '{"offline":true,"mode":"reset"|"hang"}',
    'POST /__sim/latency': '{"ms":250}',
    'POST /__sim/fail': '{"status":413|500|502|503|504,"count":1,"path":"/api/..."}',
    'POST /__sim/drop': '{"count":1,"path":"/api/...","afterBytes":100}',
    'POST /__sim/reset': 'online, no latency, no pending faults',
    'GET /__sim/dataValues': 'stored data values; ?dataElement=&period=&orgUnit=&categoryOptionCombo=&attributeOptionCombo=&includeDeleted=true',
    'GET /__sim/dataValuePosts': 'each distinct POST /api/dataValueSets body (sha256) with its count',
    'POST /__sim/clear-data-values': 'forget all stored data values',
    'POST /__sim/metadata': '{"metadata":{<metadata export>},"replace":false}',
    'POST /__sim/fail-async-job': '{"afterValues":100,"mode":"error"|"crash","message":"..."}',
    'POST /__sim/restart-server': 'forget jobs, notifications and summaries, as a DHIS2 restart does',
    'POST /__sim/scheduler': '{"mode":"dhis2"|"immediate","loopMs":20000}: when queued async jobs start',
    'POST /__sim/link': '{"bitsPerSecond":2000000,"latencyMs":300}: a slow uplink; zeros turn it off',
    'GET /__sim/traffic': 'API requests and bytes received since the start or the last reset-traffic',
    'POST /__sim/reset-traffic': 'count requests and bytes from zero',
  },
};

function dataValueFilter(query: URLSearchParams): DataValueFilter {
  const filter: DataValueFilter = {};
  for (const key of ['dataElement', 'period', 'orgUnit', 'categoryOptionCombo', 'attributeOptionCombo'] as const) {
    const values = query.getAll(key).flatMap((value) => value.split(','));
    if (values.length > 0) filter[key] = values;
  }
  filter.includeDeleted = query.get('includeDeleted') === 'true';
  return filter;
}

export function handleControl(method: string, url: string, body: Buffer, controls: SimControls): SimResponse {
  const parsedUrl = new URL(url, 'http://sim.invalid');
  const pathname = parsedUrl.pathname;
  const action = pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, '') || '/';
  const gets: Record<string, () => SimResponse> = {
    '/': () => answer(200, HELP),
    '/state': () => answer(200, controls.status()),
    '/requests': () => answer(200, controls.requests()),
    '/dataValues': () => answer(200, controls.dataValues(dataValueFilter(parsedUrl.searchParams))),
    '/dataValuePosts': () => answer(200, controls.dataValuePosts()),
    '/traffic': () => answer(200, controls.traffic()),
  };
  const posts: Record<string, Action> = {
    '/offline': withInput(OfflineInput, (input) => controls.setOffline(input.offline, input.mode), controls),
    '/latency': withInput(LatencyInput, (input) => controls.setLatency(input.ms), controls),
    '/fail': withInput(FailInput, (input) => controls.failNext(input), controls),
    '/drop': withInput(DropInput, (input) => controls.dropNext(input), controls),
    '/reset': withInput(z.strictObject({}), () => controls.reset(), controls),
    '/clear-data-values': withInput(z.strictObject({}), () => controls.clearDataValues(), controls),
    '/metadata': withInput(SeedMetadataInput, (input) => controls.seedMetadata(input.metadata, { replace: input.replace ?? false }), controls),
    '/fail-async-job': withInput(FailAsyncJobInput, (input) => controls.failNextAsyncJob(input), controls),
    '/restart-server': withInput(z.strictObject({}), () => controls.restartServer(), controls),
    '/scheduler': withInput(SchedulerInput, (input) => controls.setScheduler(input), controls),
    '/link': withInput(LinkInput, (input) => controls.setLink(input), controls),
    '/reset-traffic': withInput(z.strictObject({}), () => controls.resetTraffic(), controls),
  };
  const get = gets[action];
  const post = posts[action];
  if (!get && !post) return problem(404, `Unknown control endpoint ${pathname}; GET ${CONTROL_PREFIX}/ lists them`);
  if (method === 'GET' && get) return get();
  if (method === 'POST' && post) {
    const parsed = readJson(body);
    return parsed.ok ? post(parsed.value) : problem(400, parsed.message);
  }
  return problem(405, `${method} is not supported on ${pathname}; use ${get ? 'GET' : 'POST'}`);
}
