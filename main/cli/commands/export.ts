import { resolve } from 'node:path';
import { ExportDataParams } from '../../../shared/data-export';
import { coverageWarnings } from '../../../shared/data-set-coverage';
import { dataSetCoverage } from '../../core/metadata/data-set-coverage';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import type { Output } from '../output';
import { queueAndRunExport } from '../run-export';
import { exportMetadataCommand, EXPORT_METADATA_HELP } from './export-metadata';
import type { ExportDataResult } from '../../core/jobs/export-data';

export const EXPORT_DATA_HELP = `dhis2-ie export data --org-unit UID [--org-unit UID…] [--children] --data-set UID [--data-set UID…]
        --start-date YYYY-MM-DD --end-date YYYY-MM-DD [--format json|csv|xml|adx] [--compression zip|gzip|none]
        [--include-deleted] [--id-scheme S] [--data-element-id-scheme S] [--org-unit-id-scheme S] --out DIR [--server S]
    Queues the export and runs it now when the server answers; offline, it waits in the queue.`;

export const EXPORT_HELP = `${EXPORT_DATA_HELP}
${EXPORT_METADATA_HELP}`;

export async function exportCommand(argv: string[], output: Output): Promise<number> {
  if (argv[0] === 'metadata' || argv[0] === 'metadata-dependencies') return exportMetadataCommand(argv, output);
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
    throw new UsageError(
      positionals[0] ? `Exporting "${positionals[0]}" is not available yet; this version exports data, metadata and metadata-dependencies.` : EXPORT_HELP,
    );
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
    // As the Data export page does: a data set the chosen units do not hold gives an empty export, said before it runs.
    const index = core.metadata.indexFor(serverId ?? undefined);
    const { orgUnits, dataSets, includeDescendants } = parsed.data;
    const units = orgUnits.map((id) => index?.orgUnit(id)?.name ?? id);
    for (const warning of coverageWarnings(dataSetCoverage(index, { orgUnits, dataSets, includeDescendants }), units, includeDescendants)) {
      output.err(`Warning: ${warning}`);
    }
    return await queueAndRunExport(core, { type: 'export-data', params: parsed.data, serverId }, output, values.json, (job) => [
      `Saved ${(job.result as ExportDataResult).file}`,
    ]);
  } finally {
    await core.close();
  }
}
