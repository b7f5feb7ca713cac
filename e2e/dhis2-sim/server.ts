import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { authenticate, entryPoint } from './auth';
import { CONTROL_PREFIX, handleControl, type RequestLogEntry, type SimControls, type SimStatus } from './control';
import {
  DropInput,
  FailAsyncJobInput,
  FailInput,
  type FailStatus,
  LatencyInput,
  LinkInput,
  OfflineInput,
  parseOrThrow,
  SchedulerInput,
} from './control-schemas';
import type { DataValueFilter, StoredDataValue } from './dv-store';
import type { MetadataExport } from './metadata';
import { failureResponse, FaultQueue } from './faults';
import { nonApiResponse } from './login-page';
import { isApiPath, pathnameOf, stripApiVersion, toSimRequest, header, type SimRequest } from './request';
import type { SimResponse } from './respond';
import { Router } from './router';
import { apiRoutes } from './routes';
import { createState, type DataValuePost, seedMetadata, type SimState } from './state';
import type { SimUser } from './users';
import { webMessage, webMessageResponse } from './webmessage';
import { listen, readBody, send, sendTruncated } from './wire';
import { collect, Link, type LinkSettings, type Traffic } from './link';
import { DHIS2_241_SCHEDULER, IMMEDIATE_SCHEDULER, type SchedulerTiming } from './tasks';

export type { SimUser } from './users';
export type { SimState, ApiTokenRecord, DataValuePost, AsyncJobFault } from './state';
export type { StoredDataValue, DataValueFilter } from './dv-store';
export type { MetadataExport, MetadataObject } from './metadata';
export type { FailStatus } from './control-schemas';
export type { RequestLogEntry, SimStatus } from './control';
export { generatePat, isValidPatChecksum } from './pat';
export { DEFAULT_ADMIN_PAT, DEFAULT_CREDENTIALS, DEFAULT_PASSWORD } from './users';
export { SIM_SYSTEM_ID } from './state';
export { DEFAULT_VERSION } from './version';
export type { LinkSettings, Traffic } from './link';
export type { SchedulerTiming } from './tasks';
export { DHIS2_241_SCHEDULER, IMMEDIATE_SCHEDULER } from './tasks';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Reported DHIS2 version; default 2.41.3. */
  version?: string;
  /** A DHIS2 metadata export (.json or .json.gz), parsed into state.metadata. */
  seedFile?: string;
  /** Added to the default users; one with a default's username replaces it. */
  users?: SimUser[];
  /** Extra personal access tokens: token -> username. */
  tokens?: Record<string, string>;
  /**
   * When queued async jobs start: `immediate` (default, for tests) or `dhis2`, 2.41's scheduler loop
   * (data value imports wait for the next 20 s mark; metadata imports start at once). README "Async job timing".
   */
  scheduler?: 'immediate' | 'dhis2' | Partial<SchedulerTiming>;
}

export interface Simulator {
  /** DHIS2 base URL without trailing slash; the API is at url + '/api'. */
  url: string;
  port: number;
  /** reset: destroy the socket at once; hang: accept and never answer. */
  setOffline(offline: boolean, mode?: 'reset' | 'hang'): void;
  /** Delay before every API answer. */
  setLatency(ms: number): void;
  /** The next `count` API requests (under `path`, if given) get `status` with the body that status really comes with. */
  failNext(opts: { status: FailStatus; count?: number; path?: string }): void;
  /** The next `count` API requests are processed, then the connection is destroyed before the answer or after `afterBytes` of its body. */
  dropNext(opts: { count?: number; path?: string; afterBytes?: number }): void;
  /** Online, no latency, no pending faults. The request log is kept. */
  reset(): void;
  /** Adds a metadata export (objects with a known id are replaced; `replace` forgets the old metadata first). Default users follow its org units. */
  seedMetadata(metadata: MetadataExport, options?: { replace?: boolean }): void;
  /** Stored data values (not soft-deleted ones unless `includeDeleted`), in table order. */
  dataValues(filter?: DataValueFilter): StoredDataValue[];
  /** Forgets every stored data value and completeness registration. */
  clearDataValues(): void;
  /** Every distinct POST /api/dataValueSets body (by SHA-256) and how often it came. */
  dataValuePosts(): DataValuePost[];
  /** The next async data value job fails after `afterValues` values: `error` ends with an ERROR summary, `crash` fails the job without one. */
  failNextAsyncJob(opts: { afterValues?: number; mode?: 'error' | 'crash'; message?: string; jobType?: 'DATAVALUE_IMPORT' | 'METADATA_IMPORT' }): void;
  /** A DHIS2 restart: jobs, notifications and summaries are forgotten and running jobs stop. Stored data stays. */
  restartServer(): void;
  /** Resolves when no async job is queued or running. */
  idle(): Promise<void>;
  /** How queued async jobs are started from now on (see SimulatorOptions.scheduler). */
  setScheduler(scheduler: 'immediate' | 'dhis2' | Partial<SchedulerTiming>): void;
  /** A slow uplink shared by all connections, and a round trip added before every answer; zeros turn it off. */
  setLink(settings: Partial<LinkSettings>): void;
  /** API requests and the bytes they carried (headers and body as sent) since the start or resetTraffic(). */
  traffic(): Traffic;
  resetTraffic(): void;
  /** Live log of API requests; clear it with `requests.length = 0`. */
  requests: RequestLogEntry[];
  state: SimState;
  close(): Promise<void>;
}

const EMPTY_BODY = Buffer.alloc(0);

interface Conditions {
  offline: boolean;
  offlineMode: 'reset' | 'hang';
  latencyMs: number;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const state = await createState(opts);
  state.tasks.setScheduler(schedulerTiming(opts.scheduler ?? 'immediate'));
  const router = new Router(apiRoutes);
  const conditions: Conditions = { offline: false, offlineMode: 'reset', latencyMs: 0 };
  const faults = new FaultQueue();
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<Socket>();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;
  let fallbackHost = '127.0.0.1';

  const log = (method: string, url: string, status: number, user: SimUser | null): void => {
    requests.push({ at: new Date().toISOString(), method, path: url, status, user: user?.username ?? null });
  };

  /** Resolves after ms, or at once when the simulator closes, so close() never waits on a sleeping request. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) return resolve();
      const wait = {
        timer: setTimeout(() => {
          waits.delete(wait);
          resolve();
        }, ms),
        resolve,
      };
      waits.add(wait);
    });

  const link = new Link(pause);

  const hang = (socket: Socket): void => {
    hung.add(socket);
    socket.once('close', () => hung.delete(socket));
  };

  async function answerApi(req: SimRequest): Promise<{ response: SimResponse; user: SimUser | null }> {
    const access = router.access(req, state);
    let user: SimUser | null = null;
    if (access !== 'ignore') {
      const outcome = authenticate(req, state);
      if (outcome.kind === 'rejected') return { response: outcome.response, user: null };
      if (outcome.kind === 'user') user = outcome.user;
      else if (access === 'auth') return { response: entryPoint(req, state), user: null };
    }
    const accept = header(req, 'accept');
    const match = router.match(req.method, req.routePath);
    if (match.kind === 'not-found') {
      return { response: webMessageResponse(webMessage(404, `No handler found for ${req.method} ${req.path}`), { accept }), user };
    }
    if (match.kind === 'method-not-allowed') {
      // CrudControllerAdvice renders HttpRequestMethodNotSupportedException without an Allow header.
      return { response: webMessageResponse(webMessage(405, `Request method '${req.method}' not supported`), { accept }), user };
    }
    try {
      const response = await match.route.handler({ req, params: match.params, user, state });
      return { response, user };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { response: webMessageResponse(webMessage(500, message), { accept }), user };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = pathnameOf(url);
    if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      await send(res, handleControl(method, url, await readBody(req), controls));
      return;
    }
    const api = isApiPath(pathname);
    if (conditions.offline) {
      if (api) log(method, url, 0, null);
      if (conditions.offlineMode === 'reset') req.socket.resetAndDestroy();
      else hang(req.socket);
      return;
    }
    if (!api) {
      await readBody(req);
      await send(res, nonApiResponse(method, pathname, `http://${req.headers.host ?? fallbackHost}`, state.profile));
      return;
    }
    link.countRequest(req);
    const simReq = toSimRequest(req, EMPTY_BODY, state.profile, fallbackHost);
    const target = router.match(simReq.method, simReq.routePath);
    const body = link.body(req);
    // Routes that stream their body (imports of any size) read it themselves; the rest get it whole.
    if (target.kind === 'found' && target.route.streamBody) simReq.stream = body;
    else simReq.body = await collect(body);
    const fault = faults.take(stripApiVersion(pathname, state.profile).path);
    const { response, user } = fault?.kind === 'fail' ? { response: failureResponse(fault.status, simReq), user: null } : await answerApi(simReq);
    await pause(conditions.latencyMs + link.settings.latencyMs);
    if (closed) return;
    if (fault?.kind === 'drop') {
      log(method, url, 0, user);
      if (fault.afterBytes === null) {
        if (typeof response.body === 'object' && !Buffer.isBuffer(response.body)) response.body.destroy();
        req.socket.destroy();
      } else await sendTruncated(res, response, fault.afterBytes);
      return;
    }
    log(method, url, response.status, user);
    await send(res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      void send(res, webMessageResponse(webMessage(500, message)));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const host = opts.host ?? '127.0.0.1';
  await listen(server, opts.port ?? 0, host);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Simulator did not get a TCP port');
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : urlHost;
  fallbackHost = `${displayHost}:${address.port}`;
  const url = `http://${fallbackHost}`;

  /** Fault paths are compared without the version prefix, like request paths. */
  const faultPath = (path: string | undefined): string | null => (path === undefined ? null : stripApiVersion(path, state.profile).path);

  const controls: SimControls = {
    status: (): SimStatus => ({
      url,
      version: state.profile.version,
      online: !conditions.offline,
      offlineMode: conditions.offlineMode,
      latencyMs: conditions.latencyMs,
      pendingFaults: faults.list(),
      requestCount: requests.length,
      hungRequests: hung.size,
      pendingAsyncJobFaults: state.asyncJobFaults.map((fault) => ({ ...fault })),
      dataValueCount: state.dataValues.size,
      scheduler: state.tasks.scheduler,
      link: { ...link.settings },
      traffic: { ...link.traffic },
    }),
    requests: () => requests,
    setOffline(offline, mode = 'reset') {
      const input = parseOrThrow(OfflineInput, { offline, mode }, 'setOffline arguments');
      conditions.offline = input.offline;
      conditions.offlineMode = input.mode ?? 'reset';
    },
    setLatency(ms) {
      conditions.latencyMs = parseOrThrow(LatencyInput, { ms }, 'setLatency arguments').ms;
    },
    failNext(input) {
      const valid = parseOrThrow(FailInput, input, 'failNext options');
      faults.add({ kind: 'fail', status: valid.status, remaining: valid.count ?? 1, path: faultPath(valid.path) });
    },
    dropNext(input) {
      const valid = parseOrThrow(DropInput, input, 'dropNext options');
      faults.add({ kind: 'drop', remaining: valid.count ?? 1, path: faultPath(valid.path), afterBytes: valid.afterBytes ?? null });
    },
    reset() {
      conditions.offline = false;
      conditions.offlineMode = 'reset';
      conditions.latencyMs = 0;
      link.settings = { bitsPerSecond: 0, latencyMs: 0 };
      faults.clear();
      state.asyncJobFaults.length = 0;
    },
    seedMetadata(metadata, options = {}) {
      seedMetadata(state, metadata, options);
    },
    dataValues: (filter = {}) => state.dataValues.query(filter),
    clearDataValues() {
      state.dataValues.clear();
      state.registrations.clear();
    },
    dataValuePosts: () => [...state.dataValuePosts.values()],
    failNextAsyncJob(input) {
      const valid = parseOrThrow(FailAsyncJobInput, input, 'failNextAsyncJob options');
      state.asyncJobFaults.push({
        afterValues: valid.afterValues ?? 0,
        mode: valid.mode ?? 'error',
        message:
          valid.message ?? (valid.mode === 'crash' ? 'Job crashed (injected by dhis2-sim)' : 'Connection to the database was lost (injected by dhis2-sim)'),
        jobType: valid.jobType ?? 'DATAVALUE_IMPORT',
      });
    },
    restartServer() {
      state.tasks.restart();
      state.startedAt = new Date();
    },
    setScheduler(input) {
      state.tasks.setScheduler(schedulerTiming(typeof input === 'string' ? input : parseOrThrow(SchedulerInput, input, 'setScheduler arguments')));
    },
    setLink(input) {
      const valid = parseOrThrow(LinkInput, input, 'setLink arguments');
      link.settings = { bitsPerSecond: valid.bitsPerSecond ?? link.settings.bitsPerSecond, latencyMs: valid.latencyMs ?? link.settings.latencyMs };
    },
    traffic: () => ({ ...link.traffic }),
    resetTraffic: () => link.resetTraffic(),
  };

  return {
    url,
    port: address.port,
    setOffline: (offline, mode) => controls.setOffline(offline, mode),
    setLatency: (ms) => controls.setLatency(ms),
    failNext: (input) => controls.failNext(input),
    dropNext: (input) => controls.dropNext(input),
    reset: () => controls.reset(),
    seedMetadata: (metadata, options) => controls.seedMetadata(metadata, options),
    dataValues: (filter) => controls.dataValues(filter),
    clearDataValues: () => controls.clearDataValues(),
    dataValuePosts: () => controls.dataValuePosts(),
    failNextAsyncJob: (input) => controls.failNextAsyncJob(input),
    restartServer: () => controls.restartServer(),
    idle: () => state.tasks.idle(),
    setScheduler: (scheduler) => controls.setScheduler(scheduler),
    setLink: (settings) => controls.setLink(settings),
    traffic: () => controls.traffic(),
    resetTraffic: () => controls.resetTraffic(),
    requests,
    state,
    async close() {
      if (closed) return;
      closed = true;
      state.tasks.restart();
      for (const wait of waits) {
        clearTimeout(wait.timer);
        wait.resolve();
      }
      waits.clear();
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A named timing, or a full one (a test may shorten the loop). */
function schedulerTiming(input: 'immediate' | 'dhis2' | Partial<SchedulerTiming>): SchedulerTiming {
  if (input === 'immediate') return IMMEDIATE_SCHEDULER;
  if (input === 'dhis2') return DHIS2_241_SCHEDULER;
  return { ...DHIS2_241_SCHEDULER, ...input };
}
