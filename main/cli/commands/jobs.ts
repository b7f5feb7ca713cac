import { JOB_STATE_LABELS, JOB_TYPE_LABELS, JobState, JobType } from '../../../shared/jobs';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { inline, localTime, printJson, table, type Output } from '../output';
import { notFound } from '../../core/errors';
import { JOBS_RETRY_HELP, retryJob } from './jobs-retry';

export const JOBS_HELP = `dhis2-ie jobs [--type T] [--state S] [--limit N] [--json]
    Lists jobs, newest first. Types: ${JobType.options.join(', ')}.
dhis2-ie jobs show ID [--json]
    One job with its parameters, files, result and progress log.
${JOBS_RETRY_HELP}`;

export async function jobsCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, {
    type: { type: 'string', multiple: true },
    state: { type: 'string', multiple: true },
    limit: { type: 'string' },
  });
  if (values.help) return (void output.out(JOBS_HELP), 0);
  const [action, id] = positionals;
  if (action !== undefined && action !== 'show' && action !== 'list' && action !== 'retry')
    throw new UsageError(`Unknown jobs action "${action}". Use: dhis2-ie jobs [list], dhis2-ie jobs show ID or dhis2-ie jobs retry ID.`);
  if (action === 'retry' && !id) throw new UsageError('jobs retry needs a job id (see: dhis2-ie jobs).');

  const types = (values.type ?? []).map((t) => {
    const parsed = JobType.safeParse(t);
    if (!parsed.success) throw new UsageError(`Unknown job type "${t}". Known types: ${JobType.options.join(', ')}.`);
    return parsed.data;
  });
  const states = (values.state ?? []).map((s) => {
    const parsed = JobState.safeParse(s);
    if (!parsed.success) throw new UsageError(`Unknown job state "${s}". Known states: ${JobState.options.join(', ')}.`);
    return parsed.data;
  });
  const limit = values.limit === undefined ? 200 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000.');

  const core = openCore(values['data-dir'], 'cli', { readOnly: action !== 'retry' });
  try {
    if (action === 'retry') return retryJob(core, id!, values.json === true, output);
    if (action === 'show') {
      if (!id) throw new UsageError('jobs show needs a job id (see: dhis2-ie jobs).');
      const job = core.jobs.get(id) ?? core.jobs.list({ limit: 1000, offset: 0 }).jobs.find((j) => j.id.startsWith(id));
      if (!job) throw notFound('Job', id);
      const log = core.jobLog.list(job.id);
      if (values.json) return (printJson(output, { ...job, log }), 0);
      output.out(
        [
          // Titles, messages and file names come from files and bundles: a line break in one must not make a line here.
          inline(job.title),
          `  id        ${job.id}`,
          `  type      ${JOB_TYPE_LABELS[job.type]} (${job.type})`,
          `  state     ${JOB_STATE_LABELS[job.state]}${job.error ? ` — ${inline(job.error.message)}` : ''}`,
          `  attempts  ${job.attempts} of ${job.maxAttempts}${job.nextAttemptAt ? `, next at ${localTime(job.nextAttemptAt)}` : ''}`,
          `  created   ${localTime(job.createdAt)}`,
          `  finished  ${localTime(job.finishedAt)}`,
          ...(job.progress
            ? [`  progress  ${inline(job.progress.message)} (${job.progress.done}${job.progress.total !== null ? ` of ${job.progress.total}` : ''})`]
            : []),
          `  params    ${JSON.stringify(job.params)}`,
          ...job.files.map((f) => `  file      ${inline(f.name)} (${f.size} bytes, sha256 ${f.sha256.slice(0, 12)}…)`),
          '',
          'Log:',
          ...log.map((e) => `  ${localTime(e.at)}  ${e.level.toUpperCase().padEnd(5)}  ${inline(e.message)}`),
        ].join('\n'),
      );
      return 0;
    }
    const { jobs, total } = core.jobs.list({ types, states, limit, offset: 0 });
    if (values.json) return (printJson(output, { jobs, total }), 0);
    if (jobs.length === 0) return (output.out(types.length || states.length ? 'No jobs match.' : 'No jobs yet.'), 0);
    output.out(
      table([
        ['ID', 'TYPE', 'STATE', 'CREATED', 'TITLE'],
        ...jobs.map((j) => [j.id.slice(0, 8), j.type, JOB_STATE_LABELS[j.state], localTime(j.createdAt), j.title]),
      ]),
    );
    if (total > jobs.length) output.out(`(${total - jobs.length} more; use --limit or --type to narrow)`);
    return 0;
  } finally {
    await core.close();
  }
}
