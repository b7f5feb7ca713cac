import { ImportDataParams } from '../../../shared/data-import';
import { UsageError } from '../args';

/** The flags shared by `validate` and `import data`, named as the issue and DHIS2's parameters name them. */
export const DATA_IMPORT_OPTIONS = {
  server: { type: 'string' },
  format: { type: 'string' },
  strategy: { type: 'string' },
  'id-scheme': { type: 'string' },
  'data-element-id-scheme': { type: 'string' },
  'org-unit-id-scheme': { type: 'string' },
  'category-option-combo-id-scheme': { type: 'string' },
  'first-row-is-header': { type: 'string' },
  'data-set': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'preheat-cache': { type: 'boolean', default: false },
  'skip-existing-check': { type: 'boolean', default: false },
  'skip-audit': { type: 'boolean', default: false },
  'chunk-size': { type: 'string' },
} as const;

export const DATA_IMPORT_OPTIONS_HELP = `    --format auto|json|csv|xml|adx|pdf   (default: detected from the content)
    --strategy CREATE_AND_UPDATE|CREATE|UPDATE|DELETE   (legacy NEW_AND_UPDATES etc. accepted)
    --id-scheme, --data-element-id-scheme, --org-unit-id-scheme, --category-option-combo-id-scheme
        UID|CODE|NAME|ATTRIBUTE:<attribute id>
    --first-row-is-header true|false (CSV, default true)   --data-set UID   --chunk-size N
    --preheat-cache --skip-existing-check --skip-audit --dry-run   --server NAME|ID`;

type Values = { [K in keyof typeof DATA_IMPORT_OPTIONS]?: (typeof DATA_IMPORT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** Flags to ImportDataParams, with the schema's own messages turned into usage errors naming the flag. */
export function paramsFromFlags(values: Values): ImportDataParams {
  const header = values['first-row-is-header'];
  if (header !== undefined && header !== 'true' && header !== 'false') throw new UsageError(`--first-row-is-header takes true or false, not "${header}".`);
  const chunk = values['chunk-size'];
  const raw = {
    format: values.format?.toLowerCase(),
    strategy: values.strategy,
    idScheme: values['id-scheme'],
    dataElementIdScheme: values['data-element-id-scheme'],
    orgUnitIdScheme: values['org-unit-id-scheme'],
    categoryOptionComboIdScheme: values['category-option-combo-id-scheme'],
    firstRowIsHeader: header === undefined ? undefined : header === 'true',
    dataSet: values['data-set'],
    dryRun: values['dry-run'],
    preheatCache: values['preheat-cache'],
    skipExistingCheck: values['skip-existing-check'],
    skipAudit: values['skip-audit'],
    chunkSize: chunk === undefined ? undefined : Number(chunk),
  };
  const parsed = ImportDataParams.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(parsed.error.issues.map((issue) => `${flag(String(issue.path[0] ?? 'options'))} ${issue.message}`).join('; '));
  }
  return parsed.data;
}
