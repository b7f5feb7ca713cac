import type { MetadataType } from './model';

/** What offline validation cannot check when a type is missing, in the words shown next to the snapshot. */
const CONSEQUENCES: Array<[MetadataType, string]> = [
  ['organisationUnits', 'org units of data values cannot be checked'],
  ['dataElements', 'data elements, value types and option sets of data values cannot be checked'],
  ['dataSets', 'periods, expiry and org unit assignment cannot be checked'],
  ['categoryCombos', 'whether a category option combo belongs to its data element cannot be checked'],
  ['categoryOptionCombos', 'values with a category option combo cannot be checked'],
  ['categories', 'ADX category values cannot be checked'],
  ['categoryOptions', 'attribute option start and end dates cannot be checked'],
  ['optionSets', 'values of data elements with an option set cannot be checked'],
];

const WORDS: Record<MetadataType, string> = {
  attributes: 'attributes',
  categoryOptions: 'category options',
  categories: 'categories',
  categoryCombos: 'category combos',
  categoryOptionCombos: 'category option combos',
  optionSets: 'option sets',
  dataElements: 'data elements',
  dataSets: 'data sets',
  organisationUnits: 'org units',
};

/** One line per gap, e.g. "No category option combos in this file: values with a category option combo cannot be checked." */
export function validationGaps(counts: Record<MetadataType, number>, source: 'server' | 'file', hasUser: boolean): string[] {
  const where = source === 'file' ? 'in this file' : 'from the server';
  const gaps: string[] = [];
  for (const [type, consequence] of CONSEQUENCES) {
    if (counts[type] === 0) gaps.push(`No ${WORDS[type]} ${where}: ${consequence}.`);
  }
  if (!hasUser) {
    gaps.push(
      source === 'file'
        ? "No DHIS2 user of this server in this file: whether org units are inside the user's hierarchy cannot be checked."
        : "The server did not say who the user is: whether org units are inside the user's hierarchy cannot be checked.",
    );
  }
  return gaps;
}
