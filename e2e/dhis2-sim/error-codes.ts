/**
 * ErrorCode.java message templates (2.41) the data value import and export use, verbatim; an
 * error-codes test checks them against the shared error_codes_2.41.tsv.
 */
export const ERROR_CODES = {
  E1111: 'Category option not found or not accessible: `{0}`',
  E2000: 'Query parameters cannot be null',
  E2001: 'At least one data element, data set or data element group must be specified',
  E2002: 'At least one period, start/end dates, last updated or last updated duration must be specified',
  E2003: 'Both periods and start/end date cannot be specified',
  E2004: 'Start date must be before end date',
  E2005: 'Duration is not valid: `{0}`',
  E2006: 'At least one organisation unit or organisation unit group must be specified',
  E2007: 'Organisation unit children cannot be included for organisation unit groups',
  E2008: 'At least one organisation unit must be specified when children are included',
  E2009: 'Limit cannot be less than zero: `{0}`',
  E2010: 'User is not allowed to read data for data set: `{0}`',
  E2011: 'User is not allowed to read data for attribute option combo: `{0}`',
  E2012: 'User is not allowed to view org unit: `{0}`',
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

export type ErrorCode = keyof typeof ERROR_CODES;

/** java.text.MessageFormat for these templates: `{n}` becomes String.valueOf(arg), missing arguments stay as they are. */
export function formatMessage(template: string, args: readonly (string | null)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const index = Number(n);
    return index < args.length ? String(args[index] ?? 'null') : whole;
  });
}

export function errorMessage(code: ErrorCode, ...args: (string | null)[]): string {
  return formatMessage(ERROR_CODES[code], args);
}

/** i18n_global.properties texts for ValidationUtils error keys; keys without a text print as the key, like I18n.getString. */
export const I18N: Record<string, string> = {
  data_element_or_type_null_or_empty: 'Data element or type is null or empty',
  data_element_lacks_option_set: 'Data elements with value type MULTI_TEXT must have an option set',
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
