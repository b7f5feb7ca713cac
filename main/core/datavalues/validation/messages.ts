/**
 * The message templates of DHIS2 2.41's ErrorCode enum for data value imports (e2e/fixtures/reference/
 * error_codes_2.41.tsv; a test keeps them equal), and the English texts of the i18n keys that DHIS2 puts
 * into E7619/E7620/E7637 messages. Keys without an English text in 2.41's i18n_global.properties come out
 * as the key itself, as DHIS2's I18n.getString does.
 */
export const ERROR_TEMPLATES = {
  E1111: 'Category option not found or not accessible: `{0}`',
  E2041: 'Attribute option combo does not exist for given category combo and category options',
  E7600: 'Data set not found or not accessible: `{0}`',
  E7601: 'User does not have write access for DataSet: `{0}`',
  E7603: 'Org unit not found or not accessible: `{0}`',
  E7604: 'Attribute option combo not found or not accessible: `{0}`',
  E7610: 'Data element not found or not accessible: `{0}`',
  E7611: 'Period not valid: `{0}`',
  E7612: 'Organisation unit not found or not accessible: `{0}`',
  E7613: 'Category option combo not found or not accessible for writing data: `{0}`',
  E7614: 'Category option combo: `{0}` option not accessible: `{1}`',
  E7615: 'Attribute option combo not found or not accessible for writing data: `{0}`',
  E7616: 'Attribute option combo: `{0}` option not accessible: `{1}`',
  E7617: 'Organisation unit: `{0}` not in hierarchy of current user: `{1}`',
  E7618: 'Data value or comment not specified for data element: `{0}`',
  E7619: 'Value must match value type of data element `{0}`: `{1}`',
  E7620: 'Invalid comment: {0}',
  E7621: 'Data value is not a valid option of the data element option set: `{0}`',
  E7630: 'Category option combo is required but is not specified',
  E7631: 'Attribute option combo is required but is not specified',
  E7632: 'Period type of period: `{0}` not valid for data element: `{1}`',
  E7633: 'Data element: `{0}` is not part of dataset(s): `{1}`',
  E7634: 'Category option combo: `{0}` must be part of category combo of data element: `{1}`',
  E7635: 'Attribute option combo: `{0}` must be part of category combo of data sets of data element: `{1}`',
  E7636: 'Data element: `{1}` must be assigned through data sets to organisation unit: `{0}`',
  E7637: 'Invalid storedBy: {0}',
  E7638: 'Period: `{0}` is not within date range of attribute option combo: `{1}`',
  E7639: 'Organisation unit: `{0}` is not valid for attribute option combo: `{1}`',
  E7640: 'Current date is past expiry days for period: `{0}`  and data set: `{1}`',
  E7641: 'Period: `{0}` is after latest open future period: `{3}` for data element: `{1}` and data set: `{2}`',
  E7642: 'Data already approved for data set: `{3}` period: `{1}` org unit: `{0}` attribute option combo: `{2}`',
  E7643: 'Period: `{0}` is not open for this data set at this time: `{1}`',
  E7644: 'Period: `{0}` does not conform to the open periods of associated data sets',
  E7645: 'No data value for file resource exist for the given combination for data element: `{0}`',
} as const;
export type ErrorCode = keyof typeof ERROR_TEMPLATES;

/** English texts of the i18n keys (dhis-service-core i18n_global.properties, 2.41). */
const I18N: Record<string, string> = {
  data_element_or_type_null_or_empty: 'Data element or type is null or empty',
  data_element_lacks_option_set: 'Data elements with value type MULTI_TEXT must have an option set',
  value_not_valid_option: "Data value contains value(s) other than the valid options of the data element's option set",
  value_length_greater_than_max_length: 'Data value is greater than max length',
  value_not_numeric: 'Data value is not numeric',
  value_not_unit_interval: 'Data value is not a unit interval',
  value_not_percentage: 'Data value is not a percentage',
  value_not_integer: 'Data value is not an integer',
  value_not_positive_integer: 'Data value is not a positive integer',
  value_not_negative_integer: 'Data value is not a negative integer',
  value_not_bool: 'Data value is not a boolean',
  value_not_true_only: 'Data value is not true',
  value_not_valid_date: 'Data value is not a valid date',
  value_not_valid_letter: 'Data value is not a valid letter',
  stored_by_length_greater_than_max_length: 'Stored by is greater than max length',
  comment_length_greater_than_max_length: 'Comment is greater than max length',
};

export function i18n(key: string): string {
  return I18N[key] ?? key;
}

/**
 * Java's MessageFormat as DHIS2 uses it here: `{n}` takes the n-th argument; a quote pair `''` is a literal
 * quote and a quoted section is copied as is.
 */
export function formatMessage(template: string, args: readonly (string | null)[]): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (char === "'") {
      if (template[i + 1] === "'") {
        out += "'";
        i++;
      } else quoted = !quoted;
      continue;
    }
    if (!quoted && char === '{') {
      const end = template.indexOf('}', i);
      const index = Number(template.slice(i + 1, end));
      if (end > i && Number.isInteger(index)) {
        // MessageFormat prints `{n}` itself when there is no n-th argument, and "null" for a null one.
        out += index < args.length ? (args[index] ?? 'null') : `{${index}}`;
        i = end;
        continue;
      }
    }
    out += char;
  }
  return out;
}

export function errorMessage(code: ErrorCode, args: readonly (string | null)[]): string {
  return formatMessage(ERROR_TEMPLATES[code], args);
}
