import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ImportMetadataParams, type MetadataOfflineCheck } from '../../../shared/metadata-import';
import { flattenErrors, shortKlass } from '../../../shared/import-report';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { printJson, table, type Output } from '../output';
import { checkMetadataFile, openMetadataFile } from '../../core/metadata-import/open-file';
import { FormatError } from '../../core/formats/format-error';

export const METADATA_IMPORT_OPTIONS = {
  server: { type: 'string' },
  format: { type: 'string' },
  'class-key': { type: 'string' },
  'first-row-is-header': { type: 'string' },
  identifier: { type: 'string' },
  'import-strategy': { type: 'string' },
  'atomic-mode': { type: 'string' },
  'merge-mode': { type: 'string' },
  'flush-mode': { type: 'string' },
  'import-report-mode': { type: 'string' },
  'preheat-mode': { type: 'string' },
  'inclusion-strategy': { type: 'string' },
  'skip-sharing': { type: 'boolean', default: false },
  'skip-translation': { type: 'boolean', default: false },
  'skip-validation': { type: 'boolean', default: false },
  sync: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
} as const;

export const IMPORT_METADATA_HELP = `dhis2-ie import metadata FILE [options] [--json]
    Checks FILE offline against the server's offline metadata (DHIS2's error codes, with file lines),
    prints what would be created, updated or deleted, keeps a copy and queues the import.
    --format auto|json|csv|xml (GML is geometry: not here)   --class-key DATA_ELEMENT|ORGANISATION_UNIT|… (CSV)
    --first-row-is-header true|false (CSV, default true)   --identifier UID|CODE
    --import-strategy CREATE_AND_UPDATE|CREATE|UPDATE|DELETE   --atomic-mode ALL|NONE   --merge-mode REPLACE|MERGE
    --flush-mode AUTO|OBJECT   --import-report-mode ERRORS|FULL|DEBUG   --preheat-mode REFERENCE|ALL|NONE
    --inclusion-strategy NON_NULL|ALWAYS|NON_EMPTY   --skip-sharing --skip-translation --skip-validation
    --sync (no server job)   --dry-run   --yes (needed to delete)   --server NAME|ID`;

type Values = { [K in keyof typeof METADATA_IMPORT_OPTIONS]?: (typeof METADATA_IMPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

const FLAG_OF: Record<string, string> = {
  format: '--format',
  classKey: '--class-key',
  firstRowIsHeader: '--first-row-is-header',
  identifier: '--identifier',
  importStrategy: '--import-strategy',
  atomicMode: '--atomic-mode',
  mergeMode: '--merge-mode',
  flushMode: '--flush-mode',
  importReportMode: '--import-report-mode',
  preheatMode: '--preheat-mode',
  inclusionStrategy: '--inclusion-strategy',
  deleteConfirmed: '--yes',
};

export function metadataParamsFromFlags(values: Values): ImportMetadataParams {
  const header = values['first-row-is-header'];
  if (header !== undefined && header !== 'true' && header !== 'false') throw new UsageError(`--first-row-is-header takes true or false, not "${header}".`);
  const raw: Record<string, unknown> = {
    format: values.format?.toLowerCase(),
    classKey: values['class-key'],
    firstRowIsHeader: header === undefined ? undefined : header === 'true',
    identifier: values.identifier,
    importStrategy: values['import-strategy'],
    atomicMode: values['atomic-mode'],
    mergeMode: values['merge-mode'],
    flushMode: values['flush-mode'],
    importReportMode: values['import-report-mode'],
    preheatMode: values['preheat-mode'],
    inclusionStrategy: values['inclusion-strategy'],
    skipSharing: values['skip-sharing'],
    skipTranslation: values['skip-translation'],
    skipValidation: values['skip-validation'],
    async: !values.sync,
    dryRun: values['dry-run'],
    deleteConfirmed: values.yes,
  };
  const parsed = ImportMetadataParams.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((issue) => {
          const key = String(issue.path[0] ?? '');
          if (key === 'deleteConfirmed') return 'Deleting objects from the server needs --yes (run it with --dry-run first to see what would go).';
          return `${FLAG_OF[key] ?? key} ${issue.message}`;
        })
        .join('; '),
    );
  }
  return parsed.data;
}

/** `dhis2-ie import metadata FILE`: check offline, show the prediction, queue. */
export async function importMetadataCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, METADATA_IMPORT_OPTIONS);
  if (values.help) return (output.out(IMPORT_METADATA_HELP), 0);
  const [file] = positionals;
  if (!file) throw new UsageError('import metadata needs the file to import.');
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`"${file}" is not a file.`);
  const params = metadataParamsFromFlags(values);

  const core = openCore(values['data-dir']);
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : null;
    let check: MetadataOfflineCheck;
    try {
      const opened = await openMetadataFile(path, basename(path), params);
      check = await checkMetadataFile(opened, params, core.metadata.indexFor(serverId ?? undefined));
    } catch (error) {
      if (error instanceof FormatError) {
        output.err(`dhis2-ie: ${error.message}`);
        return 1;
      }
      throw error;
    }
    const ref = await core.files.putFromPath(path, basename(path));
    const job = core.runner.create({ type: 'import-metadata', params, files: [ref], serverId });
    if (values.json) {
      printJson(output, { job, check });
      return 0;
    }
    printCheck(output, basename(path), check);
    output.out(
      `Queued ${params.dryRun ? 'a dry run of ' : params.importStrategy === 'DELETE' ? 'the deletion of the objects in ' : ''}"${ref.name}" as job ${job.id.slice(0, 8)}. It is sent when the server can be reached; run \`dhis2-ie flush\` to send now.`,
    );
    return 0;
  } finally {
    await core.close();
  }
}

function printCheck(output: Output, name: string, check: MetadataOfflineCheck): void {
  const { report, preview } = check;
  output.out(
    `${name}: ${check.objects.toLocaleString('en')} ${check.objects === 1 ? 'object' : 'objects'}; offline check ${report.status}${
      check.unchecked > 0 ? ` for what could be checked (${check.unchecked.toLocaleString('en')} not checkable offline)` : ''
    } (${check.metadataLabel ?? 'no offline metadata: the file alone'})`,
  );
  const rows = [['Type', 'Create', 'Update', 'Delete', 'Ignored', 'Cannot tell']];
  for (const type of preview.types) rows.push([type.label, type.create, type.update, type.delete, type.ignore, type.unknown].map(String));
  if (preview.types.length > 0) output.out(table(rows));
  for (const { object, error } of flattenErrors(report)) {
    const where = object.line ? `line ${object.line.toLocaleString('en')}` : `${shortKlass(object.klass)} no. ${(object.index ?? 0) + 1}`;
    output.out(`  ${error.errorCode ?? 'error'}  ${where}  ${error.message}`);
  }
  for (const note of check.notes) output.out(`  note: ${note}`);
}
