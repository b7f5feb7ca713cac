import { resolve } from 'node:path';
import { ExportDataParams } from '../../../shared/data-export';
import { JOB_STATE_LABELS } from '../../../shared/jobs';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { printJson, type Output } from '../output';
import { runJobHere } from '../run-here';
import type { ExportDataResult } from '../../core/jobs/export-data';

export const EXPORT_HELP = `dhis2-ie export data --org-unit UID [--org-unit UID…] [--children] --data-set UID [--data-set UID…]
        --start-date YYYY-MM-DD --end-date YYYY-MM-DD [--format json|csv|xml|adx] [--compression zip|gzip|none]
        [--include-deleted] [--id-scheme S] [--data-element-id-scheme S] [--org-unit-id-scheme S] --out DIR [--server S]
    Queues the export and runs it now when the server answers; offline, it waits in the queue.`;

export async function exportCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, {
    server: { type: 'string' },
    'org-unit': { type: 'string', multiple: true },
    children: { type: 'boolean', default: false },
    'data-set': { type: 'string', multiple: true },
    'start-date': { type: 'string' },
    'end-date': { type: 'string' },
    format: { type: 'string' },
    compression: { type: 'string' },
    'include-deleted': { type: 'boolean', default: false },
    'id-scheme': { type: 'string' },
    'data-element-id-scheme': { type: 'string' },
    'org-unit-id-scheme': { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) return (output.out(EXPORT_HELP), 0);
  if (positionals[0] !== 'data')
    throw new UsageError(positionals[0] ? `Exporting "${positionals[0]}" is not available yet; this version exports data values.` : EXPORT_HELP);
  const parsed = ExportDataParams.safeParse(
    Object.fromEntries(
      Object.entries({
        orgUnits: values['org-unit'] ?? [],
        includeDescendants: values.children,
        dataSets: values['data-set'] ?? [],
        startDate: values['start-date'],
        endDate: values['end-date'],
        format: values.format?.toLowerCase(),
        compression: values.compression?.toLowerCase(),
        includeDeleted: values['include-deleted'],
        idScheme: values['id-scheme'],
        dataElementIdScheme: values['data-element-id-scheme'],
        orgUnitIdScheme: values['org-unit-id-scheme'],
        outDir: values.out === undefined ? undefined : resolve(values.out),
      }).filter(([, v]) => v !== undefined),
    ),
  );
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'options')}: ${i.message}`).join('; '));

  const core = openCore(values['data-dir']);
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : null;
    const queued = core.runner.create({ type: 'export-data', params: parsed.data, serverId });
    if (!values.json) output.out(`Export queued as job ${queued.id.slice(0, 8)}.`);
    const job = await runJobHere(core, queued.id, output, values.json);
    if (job === null) {
      const message = 'The app is running jobs on this data folder; it will run this export.';
      if (values.json) printJson(output, { job: core.jobs.require(queued.id), runHere: false, message });
      else output.out(message);
      return 0;
    }
    if (values.json) printJson(output, job);
    else if (job.state === 'done') output.out(`Saved ${(job.result as ExportDataResult).file}`);
    else
      output.out(
        `${JOB_STATE_LABELS[job.state]}: ${job.error?.message ?? ''} ${job.state === 'waiting-for-connection' ? 'It runs when the server answers (the app, or dhis2-ie flush).' : ''}`.trim(),
      );
    return job.state === 'done' || job.state === 'waiting-for-connection' ? 0 : 1;
  } finally {
    await core.close();
  }
}
