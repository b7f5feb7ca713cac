import { clockDuration, dhis2Date, prettyInterval } from '../dates';
import { filterFields } from '../fields';
import { header, pathnameOf, type SimRequest } from '../request';
import { empty, json, NO_STORE, type SimResponse, text } from '../respond';
import type { Access, Route, RouteContext } from '../router';
import type { SimState } from '../state';
import { generateUid } from '../uid';
import { isSuperuser } from '../users';
import { webMessage, webMessageResponse } from '../webmessage';

// Fixed so that clients comparing builds see one server.
export const REVISION = 'a1b2c3d';
const BUILD_TIME = '2024-11-20T10:00:00.000';
const ANALYTICS_RUNTIME_MS = 97_977;

/** SystemInfo.java property order; sensitive values only for superusers (SystemInfo.withoutSensitiveInfo). */
function systemInfo(ctx: RouteContext): Record<string, unknown> {
  const { state, req, user } = ctx;
  const now = new Date();
  const superuser = user !== null && isSuperuser(user);
  const lastAnalytics = new Date(state.startedAt.getTime() - 86_400_000);
  const epoch = new Date(0);
  const modern = state.profile.minor >= 44;
  const sensitive = <T>(value: T): T | null => (superuser ? value : null);
  return {
    contextPath: req.baseUrl,
    userAgent: header(req, 'user-agent') ?? null,
    calendar: 'iso8601',
    dateFormat: 'yyyy-mm-dd',
    serverDate: dhis2Date(now),
    serverTimeZoneId: 'Etc/UTC',
    sessionTimeout: modern ? 3600 : null,
    serverTimeZoneDisplayName: 'Coordinated Universal Time',
    lastAnalyticsTableSuccess: dhis2Date(lastAnalytics),
    intervalSinceLastAnalyticsTableSuccess: prettyInterval(lastAnalytics.getTime(), now.getTime()),
    lastAnalyticsTableRuntime: clockDuration(ANALYTICS_RUNTIME_MS),
    lastAnalyticsTablePartitionSuccess: dhis2Date(epoch),
    intervalSinceLastAnalyticsTablePartitionSuccess: prettyInterval(0, now.getTime()),
    lastAnalyticsTablePartitionRuntime: '',
    databaseInfo: {
      name: sensitive('dhis2'),
      user: sensitive('dhis'),
      url: sensitive('jdbc:postgresql://db:5432/dhis2'),
      databaseVersion: sensitive('PostgreSQL 16.4'),
      spatialSupport: true,
      time: dhis2Date(now),
    },
    capability: modern ? { analyticsTotalCounts: false } : null,
    version: state.profile.version,
    revision: REVISION,
    buildTime: BUILD_TIME,
    jasperReportsVersion: sensitive('6.20.6'),
    environmentVariable: sensitive('DHIS2_HOME'),
    fileStoreProvider: sensitive('filesystem'),
    readOnlyMode: sensitive('off'),
    javaVersion: sensitive('17.0.13'),
    javaVendor: sensitive('Eclipse Adoptium'),
    javaOpts: sensitive('-Xms1024m -Xmx2048m'),
    osName: sensitive('Linux'),
    osArchitecture: sensitive('amd64'),
    osVersion: sensitive('6.8.0'),
    externalDirectory: sensitive('/opt/dhis2'),
    readReplicaCount: sensitive(0),
    memoryInfo: sensitive('Mem Total in JVM: 2048 Free in JVM: 1024 Max Limit: 2048'),
    cpuCores: sensitive(4),
    encryption: false,
    emailConfigured: false,
    redisEnabled: false,
    systemId: state.systemId,
    systemName: state.systemName,
    systemMetadataVersion: '',
    instanceBaseUrl: req.baseUrl,
    isMetadataVersionEnabled: true,
    lastMetadataVersionSyncAttempt: dhis2Date(epoch),
  };
}

const MAX_CODES = 10_000;

/** Spring binding of `Integer limit` with defaultValue "1": empty means default; junk is a 400 from CrudControllerAdvice. */
function parseLimit(raw: string | null): number | string {
  if (raw === null || raw === '') return 1;
  const trimmed = raw.trim();
  const value = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || value > 2_147_483_647 || value < -2_147_483_648) {
    return `Value '${raw}' is not valid for parameter limit. For input string: "${trimmed}"`;
  }
  return value;
}

function uidCodes(ctx: RouteContext): SimResponse {
  const limit = parseLimit(ctx.req.query.get('limit'));
  if (typeof limit === 'string') return webMessageResponse(webMessage(400, limit), { accept: header(ctx.req, 'accept') });
  const codes: string[] = [];
  for (let i = 0; i < Math.min(limit, MAX_CODES); i++) codes.push(generateUid());
  if ((header(ctx.req, 'accept') ?? '').includes('application/csv')) {
    return { status: 200, headers: { 'Content-Type': 'application/csv' }, body: `uid\n${codes.join('\n')}${codes.length > 0 ? '\n' : ''}` };
  }
  return json(200, { codes }, NO_STORE);
}

/** /api/ping sits outside Spring Security (web.ignoring "/api/ping"), so only that exact path skips the login. */
function pingAccess(req: SimRequest): Access {
  return pathnameOf(req.url) === '/api/ping' ? 'ignore' : 'auth';
}

function systemPingAccess(req: SimRequest, state: SimState): Access {
  return state.profile.systemPingPublic && pathnameOf(req.url) === '/api/system/ping' ? 'ignore' : 'auth';
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/ping', access: pingAccess, handler: () => empty(200) },
  { method: 'GET', path: '/system/ping', access: systemPingAccess, handler: () => text(200, 'pong', NO_STORE) },
  {
    method: 'GET',
    path: '/system/info',
    handler: (ctx) => json(200, filterFields(systemInfo(ctx), ctx.req.query.getAll('fields')), NO_STORE),
  },
  { method: 'GET', path: '/system/id', handler: uidCodes },
  { method: 'GET', path: '/system/uid', handler: uidCodes },
];
