import { header } from '../request';
import { empty, type SimResponse } from '../respond';
import type { Route, RouteContext } from '../router';
import { JOB_TYPES, notificationJson } from '../tasks';
import { isValidUid } from '../uid';
import { webMessage, webMessageResponse } from '../webmessage';

/** /api/system/tasks and /api/system/taskSummaries (SystemController, 2.41). */

const NO_STORE = { 'Content-Type': 'application/json;charset=UTF-8', 'Cache-Control': 'no-store' };

function ok(value: unknown): SimResponse {
  return { status: 200, headers: { ...NO_STORE }, body: JSON.stringify(value) };
}

/** The path variable binding errors CrudControllerAdvice reports for an unknown job type or a malformed UID. */
function badPath(ctx: RouteContext): SimResponse | null {
  const type = ctx.params['jobType'];
  const accept = header(ctx.req, 'accept');
  if (type !== undefined && !JOB_TYPES.includes(type)) {
    return webMessageResponse(webMessage(400, `Value '${type}' is not valid for path parameter jobType. Valid values are: [${JOB_TYPES.join(', ')}]`), {
      accept,
    });
  }
  const id = ctx.params['jobId'];
  if (id !== undefined && !isValidUid(id)) {
    return webMessageResponse(
      webMessage(400, `Value '${id}' is not valid for path parameter jobId. UID must be an alphanumeric string of 11 characters starting with a letter.`),
      {
        accept,
      },
    );
  }
  return null;
}

function notificationsOf(ctx: RouteContext, id: string): unknown[] {
  const job = ctx.state.tasks.get(id);
  if (!job || job.type !== ctx.params['jobType']) return [];
  const newestFirst = [...job.notifications].reverse();
  const newest = newestFirst[0];
  // A newest notification that is not completed while the job no longer runs is shown alone, completed.
  if (newest && !newest.completed && job.status !== 'RUNNING' && job.status !== 'NOT_STARTED') {
    return [notificationJson({ ...newest, completed: true })];
  }
  return newestFirst.map(notificationJson);
}

function allTasks(ctx: RouteContext): SimResponse {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const type of ctx.state.tasks.types()) {
    const byJob: Record<string, unknown[]> = {};
    for (const job of ctx.state.tasks.ofType(type)) byJob[job.id] = [...job.notifications].reverse().map(notificationJson);
    out[type] = byJob;
  }
  return ok(out);
}

function tasksOfType(ctx: RouteContext): SimResponse {
  const invalid = badPath(ctx);
  if (invalid) return invalid;
  const out: Record<string, unknown[]> = {};
  for (const job of ctx.state.tasks.ofType(ctx.params['jobType'] ?? '')) out[job.id] = [...job.notifications].reverse().map(notificationJson);
  return ok(out);
}

function taskOfJob(ctx: RouteContext): SimResponse {
  return badPath(ctx) ?? ok(notificationsOf(ctx, ctx.params['jobId'] ?? ''));
}

function summariesOfType(ctx: RouteContext): SimResponse {
  const invalid = badPath(ctx);
  if (invalid) return invalid;
  const out: Record<string, unknown> = {};
  for (const job of ctx.state.tasks.ofType(ctx.params['jobType'] ?? '')) if (job.summary !== null) out[job.id] = job.summary;
  return ok(out);
}

/** The bare summary, or 200 with an empty body while there is none. */
function summaryOfJob(ctx: RouteContext): SimResponse {
  const invalid = badPath(ctx);
  if (invalid) return invalid;
  const job = ctx.state.tasks.get(ctx.params['jobId'] ?? '');
  if (!job || job.type !== ctx.params['jobType'] || job.summary === null) return empty(200, { 'Cache-Control': 'no-store' });
  return ok(job.summary);
}

function clear(ctx: RouteContext): SimResponse {
  const invalid = badPath(ctx);
  if (invalid) return invalid;
  ctx.state.tasks.clearNotifications(ctx.params['jobType'], ctx.params['jobId']);
  return empty(204);
}

export const taskRoutes: Route[] = [
  { method: 'GET', path: '/system/tasks', handler: allTasks },
  { method: 'DELETE', path: '/system/tasks', handler: clear },
  { method: 'GET', path: '/system/tasks/:jobType', handler: tasksOfType },
  { method: 'DELETE', path: '/system/tasks/:jobType', handler: clear },
  { method: 'GET', path: '/system/tasks/:jobType/:jobId', handler: taskOfJob },
  { method: 'DELETE', path: '/system/tasks/:jobType/:jobId', handler: clear },
  { method: 'GET', path: '/system/taskSummaries/:jobType', handler: summariesOfType },
  { method: 'GET', path: '/system/taskSummaries/:jobType/:jobId', handler: summaryOfJob },
];
