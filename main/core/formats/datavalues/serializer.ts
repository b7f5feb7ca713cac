import type { DataValueRecord } from '../../datavalues/types';
import { FormatError } from '../format-error';

/** One output format: the text before, for and after the values. */
export interface DataValueSerializer {
  begin(): string;
  value(record: DataValueRecord): string;
  finish(): string;
}

/** "Value 12 (line 40 of its file)": which record a writing problem is about. */
export function whichValue(record: DataValueRecord): string {
  return `Value ${record.index + 1}${record.line > 0 ? ` (line ${record.line} of its file)` : ''}`;
}

/**
 * DXF2 JSON, XML and CSV name a category option combo; a value that gives its disaggregation as
 * category -> option pairs (ADX) has to be resolved against the metadata before it can be written there.
 */
export function requireCombos(record: DataValueRecord, format: string): void {
  const categories = record.categoryOptionCombo === null && record.categoryOptions && Object.keys(record.categoryOptions).length > 0;
  const attributes = record.attributeOptionCombo === null && record.attributeOptions && Object.keys(record.attributeOptions).length > 0;
  if (!categories && !attributes) return;
  const what = categories ? 'category option combo' : 'attribute option combo';
  const pairs = Object.entries((categories ? record.categoryOptions : record.attributeOptions) ?? {})
    .map(([category, option]) => `${category}=${option}`)
    .join(', ');
  throw new FormatError(
    'UNRESOLVED_CATEGORY_OPTIONS',
    `${whichValue(record)} gives its ${what} as categories (${pairs}), which ${format} cannot hold. Resolve them to a ${what} first, or write ADX.`,
    { line: record.line > 0 ? record.line : undefined, field: categories ? 'categoryOptionCombo' : 'attributeOptionCombo' },
  );
}
