import {
  ATOMIC_MODES,
  CSV_IMPORT_CLASSES,
  CSV_IMPORT_CLASS_LABELS,
  FLUSH_MODES,
  IMPORT_REPORT_MODES,
  INCLUSION_STRATEGIES,
  MERGE_MODES,
  METADATA_IDENTIFIERS,
  PREHEAT_MODES,
  type MetadataImportFormat,
} from '@shared/metadata-import';
import type { MetadataFileInspection } from '@shared/metadata-import';
import { formatNumber } from './format';

// The choices of the metadata import form, in the words of the DHIS2 app (with its mistakes fixed).

export const FORMAT_ITEMS: Array<{ value: MetadataImportFormat; title: string }> = [
  { value: 'auto', title: 'Detect automatically' },
  { value: 'json', title: 'JSON' },
  { value: 'csv', title: 'CSV' },
  { value: 'xml', title: 'DXF2 (XML)' },
];
export const CLASS_KEY_ITEMS = CSV_IMPORT_CLASSES.map((value) => ({ value, title: CSV_IMPORT_CLASS_LABELS[value].title, subtitle: value }));
export const IDENTIFIER_ITEMS = METADATA_IDENTIFIERS.map((value) => ({
  value,
  title: value === 'AUTO' ? 'Auto (DHIS2 2.35 and older; newer servers use UID)' : value === 'UID' ? 'UID' : 'Code',
}));
export const REPORT_MODE_ITEMS = IMPORT_REPORT_MODES.map((value) => ({
  value,
  title: { ERRORS: 'Errors', FULL: 'Full', ERRORS_NOT_OWNER: 'Errors, not owner', DEBUG: 'Debug' }[value],
}));
export const PREHEAT_ITEMS = PREHEAT_MODES.map((value) => ({ value, title: { REFERENCE: 'Reference', ALL: 'All', NONE: 'None' }[value] }));
export const ATOMIC_ITEMS = ATOMIC_MODES.map((value) => ({
  value,
  title: value === 'ALL' ? 'All: import nothing if any object has an error' : 'None: import the valid objects',
}));
export const MERGE_ITEMS = MERGE_MODES.map((value) => ({ value, title: value === 'REPLACE' ? 'Replace' : 'Merge (DHIS2 2.40 and older)' }));
export const FLUSH_ITEMS = FLUSH_MODES.map((value) => ({ value, title: value === 'AUTO' ? 'Auto (recommended)' : 'Object (debugging purposes)' }));
export const INCLUSION_ITEMS = INCLUSION_STRATEGIES.map((value) => ({
  value,
  title: { NON_NULL: 'Non null', ALWAYS: 'Always', NON_EMPTY: 'Non empty' }[value],
}));
/** Where in the file a reading error is: "Line 14, column 3, field code". */
export function describeFilePlace(error: NonNullable<MetadataFileInspection['error']>): string {
  const parts: string[] = [];
  if (error.line !== null && error.line > 0) parts.push(`Line ${formatNumber(error.line)}`);
  if (error.column !== null) parts.push(`column ${formatNumber(error.column)}`);
  if (error.field) parts.push(`field ${error.field}`);
  return parts.join(', ');
}
