import { resolve } from 'node:path';
import type { z } from 'zod';
import {
  DATA_SET_ORG_UNIT_NOTE,
  DEPENDENCY_OBJECT_TYPES,
  ExportMetadataDependenciesParams,
  ExportMetadataParams,
  MetadataExportResult,
} from '../../../shared/metadata-export';
import type { Job } from '../../../shared/jobs';
import { metadataExportServiceOf } from '../../core/metadata-export/service';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { queueAndRunExport } from '../run-export';
import type { Output } from '../output';

export const EXPORT_METADATA_HELP = `dhis2-ie export metadata --types TYPE[,TYPE…] | --all [--skip-sharing] [--compression zip|gzip|none] --out DIR [--server S]
    Exports metadata of those object types (schema plurals such as dataElements,dataSets) as JSON.
    --all takes every type the server lists (its last list when offline).
dhis2-ie export metadata --prepare-offline [--compression gzip|zip|none] --out DIR [--server S]
    The offline laptop package: what the metadata sync pulls, and the user, in one file to load at a facility
    with dhis2-ie metadata load FILE (or Load metadata file in the app).
dhis2-ie export metadata-dependencies --type ${DEPENDENCY_OBJECT_TYPES.join('|')} --id UID
        [--skip-sharing] [--compression zip|gzip|none] --out DIR [--server S]
    Exports one object with all the metadata it refers to (a data set leaves out its organisation units).`;

const OPTIONS = {
  server: { type: 'string' },
  types: { type: 'string', multiple: true },
  all: { type: 'boolean', default: false },
  'prepare-offline': { type: 'boolean', default: false },
  type: { type: 'string' },
  id: { type: 'string' },
  'skip-sharing': { type: 'boolean', default: false },
  compression: { type: 'string' },
  out: { type: 'string' },
} as const;

/** `export metadata` and `export metadata-dependencies`; argv starts with the kind. */
export async function exportMetadataCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  const [kind, extra] = positionals;
  if (values.help) return (output.out(EXPORT_METADATA_HELP), 0);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`);
  const common = {
    skipSharing: values['skip-sharing'],
    compression: values.compression?.toLowerCase(),
    outDir: values.out === undefined ? undefined : resolve(values.out),
  };

  if (kind === 'metadata-dependencies') {
    if (values.types || values.all || values['prepare-offline'])
      throw new UsageError('metadata-dependencies takes --type and --id, not --types, --all or --prepare-offline.');
    const params = check(ExportMetadataDependenciesParams, { ...common, objectType: values.type, objectId: values.id });
    return run(values, output, 'export-metadata-dependencies', params, (job) => [
      ...saved(job),
      ...(params.objectType === 'dataSets' ? [`Note: ${DATA_SET_ORG_UNIT_NOTE}`] : []),
    ]);
  }

  if (values.type || values.id) throw new UsageError('--type and --id belong to export metadata-dependencies; export metadata takes --types.');
  const types = (values.types ?? [])
    .flatMap((list) => list.split(','))
    .map((type) => type.trim())
    .filter(Boolean);
  const chosen = [values['prepare-offline'], values.all, types.length > 0].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('Say what to export: --types TYPE[,TYPE…], --all, or --prepare-offline (one of them).');
  if (values['prepare-offline']) {
    const params = check(ExportMetadataParams, { ...common, compression: common.compression ?? 'gzip', preset: 'offline-laptop' });
    return run(values, output, 'export-metadata', params, (job) => [
      ...saved(job),
      `Load it at the facility with: dhis2-ie metadata load "${(job.result as MetadataExportResult).file}"`,
    ]);
  }
  // Checked before --all asks the server, so a typo costs no request.
  check(ExportMetadataParams, { ...common, types: types.length > 0 ? types : ['placeholder'] });
  let all: string[] = [];
  if (values.all) {
    const core = openCore(values['data-dir']);
    try {
      const serverId = values.server ? core.servers.resolve(values.server).id : undefined;
      const list = await metadataExportServiceOf(core).types(serverId);
      if (list.note && !values.json) output.out(list.note);
      all = list.types.map((type) => type.plural);
    } finally {
      await core.close();
    }
  }
  const params = check(ExportMetadataParams, { ...common, types: values.all ? all : types });
  return run(values, output, 'export-metadata', params, saved);
}

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

async function run(
  values: Values,
  output: Output,
  type: 'export-metadata' | 'export-metadata-dependencies',
  params: Record<string, unknown>,
  describe: (job: Job) => string[],
): Promise<number> {
  const core = openCore(values['data-dir']);
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : null;
    return await queueAndRunExport(core, { type, params, serverId }, output, values.json, describe);
  } finally {
    await core.close();
  }
}

function saved(job: Job): string[] {
  const result = MetadataExportResult.safeParse(job.result);
  if (!result.success) return ['Saved.'];
  const total = Object.values(result.data.counts).reduce((sum, n) => sum + n, 0);
  return [
    `Saved ${result.data.file} (${total.toLocaleString('en')} objects, ${(result.data.bytes / 1024 / 1024).toFixed(2)} MB)`,
    ...result.data.notes.map((note) => `Note: ${note}`),
  ];
}

/** Parses options into job parameters, or one usage line naming the flag. */
function check<S extends z.ZodType<Record<string, unknown>>>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (parsed.success) return parsed.data;
  const flags: Record<string, string> = { objectType: '--type', objectId: '--id', outDir: '--out', types: '--types', compression: '--compression' };
  throw new UsageError(
    parsed.error.issues
      .map((issue) => {
        const key = String(issue.path[0] ?? '');
        return `${flags[key] ?? (key || 'options')}: ${issue.message}`;
      })
      .join('; '),
  );
}
