import { isValidIsoDate, type PeriodCalendar } from '../../periods';
import { javaSplit, javaTrim } from './java-text';
import { isEmail, isUrl } from './web-addresses';

/*
 * DHIS2 2.41's value checks (system/util/ValidationUtils.valueIsValid, MathUtils, DateUtils), each giving
 * the i18n key DHIS2 reports in E7619, or null when the value passes. Java's semantics are kept where they
 * differ from JavaScript's: `trim` strips only characters up to U+0020, `\s` is ASCII, integers must fit
 * a Java int, coordinates are parsed as Java floats.
 */

/** The value types DHIS2 2.41 knows; a data element whose type is not one of these is not checked. */
export const VALUE_TYPES = new Set([
  'TEXT',
  'LONG_TEXT',
  'MULTI_TEXT',
  'LETTER',
  'PHONE_NUMBER',
  'EMAIL',
  'BOOLEAN',
  'TRUE_ONLY',
  'DATE',
  'DATETIME',
  'TIME',
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'TRACKER_ASSOCIATE',
  'USERNAME',
  'COORDINATE',
  'ORGANISATION_UNIT',
  'REFERENCE',
  'AGE',
  'URL',
  'FILE_RESOURCE',
  'IMAGE',
  'GEOJSON',
]);

export const NUMERIC_VALUE_TYPES = new Set([
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
]);
export const FILE_VALUE_TYPES = new Set(['FILE_RESOURCE', 'IMAGE']);

const VALUE_MAX_LENGTH = 50_000;
const BOOL_FALSE = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);
const BOOL_TRUE = new Set(['true', 'True', 'TRUE', 't', 'T', '1']);

/** ValidationUtils.normalizeBoolean: the spellings DHIS2 turns into "true"/"false" (TRUE_ONLY has no false). */
export function normalizeBoolean(value: string | null, valueType: string | null): string | null {
  if (value === null || (valueType !== 'BOOLEAN' && valueType !== 'TRUE_ONLY')) return value;
  if (BOOL_FALSE.has(value) && valueType !== 'TRUE_ONLY') return 'false';
  if (BOOL_TRUE.has(value)) return 'true';
  return value;
}

const NUMERIC = /^(-?0|-?[1-9]\d*)(\.\d+)?$/;
const ZERO = /^0(\.0*)?$/;
const TIME = /^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/;
const PHONE_NUMBER = /^[0-9+()#.\t\n\v\f\r /ext-]{6,50}$/;
const USERNAME = /^(?=.{4,255}$)(?![-_.@])(?!.*[-_.@]{2})[-_.@a-zA-Z0-9]+(?<![-_.@])$/;
const UID = /^[a-zA-Z][a-zA-Z0-9]{10}$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-2])([^\n\r\u0085\u2028\u2029]*)$/;
const JAVA_WORD_END = /[\p{L}\p{Nd}_]$/u;

/** MathUtils.isNumeric: a plain decimal (no exponent, no leading zeros, no plus sign) shorter than 250. */
export function isNumeric(value: string): boolean {
  return value.length < 250 && NUMERIC.test(value);
}

/**
 * The sign of a value written as DHIS2's integer patterns want it (`0`, or digits not starting with 0, after an
 * optional minus: /^(0|-?[1-9]\d*)$/), or null when it is not. A loop rather than the patterns: most values of most
 * files are integers, and this runs for each.
 */
function integerSign(value: string): -1 | 0 | 1 | null {
  const length = value.length;
  const negative = value.charCodeAt(0) === MINUS;
  const start = negative ? 1 : 0;
  if (start >= length) return null;
  const first = value.charCodeAt(start);
  if (first === DIGIT_0) return length === 1 ? 0 : null;
  if (first < DIGIT_1 || first > DIGIT_9) return null;
  for (let i = start + 1; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
  }
  return negative ? -1 : 1;
}

const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_1 = 49;
const DIGIT_9 = 57;

/** commons-validator's IntegerValidator: the value must fit a Java int. */
function fitsInt(value: string): boolean {
  // Nine digits (and a sign) always fit; only longer ones need reading.
  if (value.length <= 10 && value.charCodeAt(0) === 45) return true;
  if (value.length <= 9) return true;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647;
}

/** MathUtils.isZero on the value as written: "0", "0.", "0.00"... (not "-0" or " 0"). */
export function isZero(value: string | null): boolean {
  return value !== null && value.charCodeAt(0) === 48 && ZERO.test(value);
}

/**
 * DateUtils.dateIsValid: yyyy-MM-dd (anything may follow the day as long as it ends in a letter or digit)
 * and a real day in the server's calendar.
 */
export function isDate(value: string, calendar: PeriodCalendar): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const rest = match[4] ?? '';
  if (rest !== '' && !JAVA_WORD_END.test(rest)) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (calendar.isIso) return isValidIsoDate(year, month, day);
  if (calendar.problem) return day <= 31;
  return calendar.parse(`${match[1]}${match[2]}${match[3]}`) !== null;
}

/**
 * DateUtils.dateTimeIsValid: one of DHIS2's Joda patterns (yyyy-MM-dd'T'HH[:mm[:ss[.S…]]][Z] or
 * yyyy-MM-dd HH:mm:ssZ) over the whole value. Joda reads 1–2 digit fields, 1–9 fraction digits and a signed
 * year, then checks the ranges.
 */
const DATE_TIME_T = /^([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE_TIME_SPACE = /^([+-]?\d{1,9})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(Z|[+-]\d{2}(?::?\d{2})?)$/;
export function isDateTime(value: string): boolean {
  const match = DATE_TIME_T.exec(value) ?? DATE_TIME_SPACE.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute = '0', second = '0'] = match.slice(1, 7).map((part) => part ?? undefined);
  return isValidIsoDate(Number(year), Number(month), Number(day)) && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

/** Java's Float.parseFloat grammar (decimal, hex, NaN, Infinity, optional f/d suffix), as a number. */
const JAVA_FLOAT = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)$/;
function javaFloat(text: string): number | null {
  const trimmed = javaTrim(text);
  if (!JAVA_FLOAT.test(trimmed)) return null;
  const body = trimmed.replace(/[fFdD]$/, '');
  if (/^[+-]?0[xX]/.test(body)) {
    const match = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(body)!;
    const [, sign, whole = '', fraction = '', exponent = '0'] = match;
    const mantissa = parseInt(whole || '0', 16) + (fraction ? parseInt(fraction, 16) / 16 ** fraction.length : 0);
    return Math.fround((sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent));
  }
  return Math.fround(Number(body));
}

/** MathUtils.isCoordinate: `[lng,lat]` (whitespace ignored, extra parts after the second ignored), in range as floats. */
export function isCoordinate(value: string): boolean {
  const compact = value.replace(/[ \t\n\v\f\r]+/g, '');
  if (compact.length < 5 || compact.indexOf('[') !== 0 || compact.indexOf(']') !== compact.length - 1) return false;
  const parts = javaSplit(compact.slice(1, -1), ',');
  if (parts.length < 2) return false;
  const lng = javaFloat(parts[0]!);
  const lat = javaFloat(parts[1]!);
  return lng !== null && lat !== null && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

/** Character.isLetter on a single UTF-16 unit. */
function isLetter(value: string): boolean {
  return value.length === 1 && /^\p{L}$/u.test(value);
}

/**
 * ValidationUtils.valueIsValid(value, dataElement) for a known value type, after boolean normalisation.
 * Blank values pass (whether a value is needed is E7618's business).
 */
export function valueTypeError(value: string | null, valueType: string, hasOptionSet: boolean, calendar: PeriodCalendar): string | null {
  if (valueType === 'MULTI_TEXT' && !hasOptionSet) return 'data_element_lacks_option_set';
  if (value === null || javaTrim(value) === '') return null;
  if (value.length > VALUE_MAX_LENGTH) return 'value_length_greater_than_max_length';
  switch (valueType) {
    case 'LETTER':
      return isLetter(value) ? null : 'value_not_valid_letter';
    case 'NUMBER':
      return isNumeric(value) ? null : 'value_not_numeric';
    case 'UNIT_INTERVAL':
      return isNumeric(value) && Number(value) >= 0 && Number(value) <= 1 ? null : 'value_not_unit_interval';
    case 'PERCENTAGE':
      return isNumeric(value) && Number(value) >= 0 && Number(value) <= 100 ? null : 'value_not_percentage';
    case 'INTEGER':
      return integerSign(value) !== null && fitsInt(value) ? null : 'value_not_integer';
    case 'INTEGER_POSITIVE':
      return integerSign(value) === 1 && fitsInt(value) ? null : 'value_not_positive_integer';
    case 'INTEGER_NEGATIVE':
      return integerSign(value) === -1 && fitsInt(value) ? null : 'value_not_negative_integer';
    case 'INTEGER_ZERO_OR_POSITIVE': {
      const sign = integerSign(value);
      return (sign === 0 || sign === 1) && fitsInt(value) ? null : 'value_not_zero_or_positive_integer';
    }
    case 'PHONE_NUMBER':
      return PHONE_NUMBER.test(value) ? null : 'value_not_phone_number';
    case 'EMAIL':
      return isEmail(value) ? null : 'value_not_valid_email';
    case 'BOOLEAN':
      return value.toLowerCase() === 'true' || value.toLowerCase() === 'false' ? null : 'value_not_bool';
    case 'TRUE_ONLY':
      return value.toLowerCase() === 'true' ? null : 'value_not_true_only';
    case 'DATE':
      return isDate(value, calendar) ? null : 'value_not_valid_date';
    case 'DATETIME':
      return isDateTime(value) ? null : 'value_not_valid_datetime';
    case 'COORDINATE':
      return isCoordinate(value) ? null : 'value_not_coordinate';
    case 'URL':
      return isUrl(value) ? null : 'value_not_url';
    case 'FILE_RESOURCE':
    case 'IMAGE':
      return UID.test(value) ? null : 'value_not_valid_file_resource_uid';
    case 'TIME':
      return TIME.test(value) ? null : 'value_not_valid_time';
    case 'USERNAME':
      return USERNAME.test(value) ? null : 'value_not_valid_username';
    case 'ORGANISATION_UNIT':
      return UID.test(value) ? null : 'value_not_valid_org_unit_uid';
    case 'AGE':
      return isDate(value, calendar) ? null : 'value_not_valid_age';
    default:
      return null;
  }
}

/**
 * Whether an option set accepts a value (2.41's OptionService.existsAllOptions): the option codes, exactly
 * as written; MULTI_TEXT values are split on commas and every part must be a code (each counted once).
 */
export function isValidOption(value: string | null, multiText: boolean, hasCode: (code: string) => boolean): boolean {
  if (value === null) return false;
  const codes = multiText ? javaSplit(value, ',') : [value];
  return new Set(codes).size === codes.length && codes.every(hasCode);
}
