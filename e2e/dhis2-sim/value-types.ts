import { isValidUid } from './uid';

/**
 * ValidationUtils.valueIsValid and friends (2.41), which decide E7619 for a data value. The
 * result is the i18n error key DHIS2 reports, or null when the value fits its value type.
 */

const NUMERIC_TYPES = new Set(['INTEGER', 'INTEGER_POSITIVE', 'INTEGER_NEGATIVE', 'INTEGER_ZERO_OR_POSITIVE', 'NUMBER', 'UNIT_INTERVAL', 'PERCENTAGE']);

export function isNumericType(valueType: string): boolean {
  return NUMERIC_TYPES.has(valueType);
}

export function isBooleanType(valueType: string): boolean {
  return valueType === 'BOOLEAN' || valueType === 'TRUE_ONLY';
}

const BOOL_FALSE = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);
const BOOL_TRUE = new Set(['true', 'True', 'TRUE', 't', 'T', '1']);

/** ValidationUtils.normalizeBoolean: DHIS2's spellings of true and false become "true"/"false"; TRUE_ONLY keeps false spellings. */
export function normalizeBoolean(value: string | null, valueType: string): string | null {
  if (value === null) return null;
  if (isBooleanType(valueType)) {
    if (BOOL_FALSE.has(value) && valueType !== 'TRUE_ONLY') return 'false';
    if (BOOL_TRUE.has(value)) return 'true';
  }
  return value;
}

/** MathUtils.isZero: "0", "0.", "0.000". */
export function isZero(value: string | null): boolean {
  return value !== null && /^0(\.0*)?$/.test(value);
}

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

function inIntRange(value: string): boolean {
  const n = Number(value);
  return Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

function isNumeric(value: string): boolean {
  return /^(-?0|-?[1-9]\d*)(\.\d+)?$/.test(value) && value.length < 250;
}

function validDay(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** DateUtils.dateIsValid: yyyy-MM-dd with anything after it, the date itself valid. */
function dateIsValid(value: string): boolean {
  const match = /^\b(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-2])(.*)\b$/.exec(value);
  return match !== null && validDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** DateUtils.dateTimeIsValid: the Joda patterns of SUPPORTED_DATE_TIME_FORMAT_PARSERS. */
function dateTimeIsValid(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{3,9}))?)?)?|\s(\d{2}):(\d{2}):(\d{2}))(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    value,
  );
  if (!match) return false;
  if (!validDay(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  const hour = Number(match[4] ?? match[8] ?? '0');
  const minute = Number(match[5] ?? match[9] ?? '0');
  const second = Number(match[6] ?? match[10] ?? '0');
  return hour < 24 && minute < 60 && second < 60;
}

/** MathUtils.isCoordinate: "[lng, lat]" within range. */
function isCoordinate(raw: string): boolean {
  const value = raw.replace(/\s+/g, '');
  if (value.length < 5 || !value.startsWith('[') || !value.endsWith(']')) return false;
  const [lngText, latText] = value.slice(1, -1).split(',');
  if (lngText === undefined || latText === undefined) return false;
  const lng = Number(lngText);
  const lat = Number(latText);
  return lngText !== '' && latText !== '' && !Number.isNaN(lng) && !Number.isNaN(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

const USERNAME = /^(?=.{4,255}$)(?![-_.@])(?!.*[-_.@]{2})[-_.@a-zA-Z0-9]+(?<![-_.@])$/;
const PHONE = /^[0-9+()#.\s/ext-]{6,50}$/;
const TIME = /^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/;
// Commons EmailValidator / UrlValidator, approximately.
const EMAIL = /^[^\s@"(),:;<>[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;
const URL_PATTERN = /^(https?|ftp):\/\/[^\s/?#]+(?:[/?#][^\s]*)?$/i;

/**
 * ValidationUtils.valueIsValid(value, dataElement) after normalizeBoolean: MULTI_TEXT needs an option
 * set; blank values pass (they delete or are ignored later); then the value type rules.
 */
export function valueTypeError(value: string | null, valueType: string, hasOptionSet: boolean): string | null {
  if (valueType === 'MULTI_TEXT' && !hasOptionSet) return 'data_element_lacks_option_set';
  if (value === null || value.trim() === '') return null;
  if (value.length > 50_000) return 'value_length_greater_than_max_length';
  switch (valueType) {
    case 'LETTER':
      return /^\p{L}$/u.test(value) ? null : 'value_not_valid_letter';
    case 'NUMBER':
      return isNumeric(value) ? null : 'value_not_numeric';
    case 'UNIT_INTERVAL':
      return isNumeric(value) && Number(value) >= 0 && Number(value) <= 1 ? null : 'value_not_unit_interval';
    case 'PERCENTAGE':
      return isNumeric(value) && Number(value) >= 0 && Number(value) <= 100 ? null : 'value_not_percentage';
    case 'INTEGER':
      return /^(0|-?[1-9]\d*)$/.test(value) && inIntRange(value) ? null : 'value_not_integer';
    case 'INTEGER_POSITIVE':
      return /^[1-9]\d*$/.test(value) && inIntRange(value) ? null : 'value_not_positive_integer';
    case 'INTEGER_NEGATIVE':
      return /^-[1-9]\d*$/.test(value) && inIntRange(value) ? null : 'value_not_negative_integer';
    case 'INTEGER_ZERO_OR_POSITIVE':
      return /^(0|[1-9]\d*)$/.test(value) && inIntRange(value) ? null : 'value_not_zero_or_positive_integer';
    case 'PHONE_NUMBER':
      return PHONE.test(value) ? null : 'value_not_phone_number';
    case 'EMAIL':
      return EMAIL.test(value) ? null : 'value_not_valid_email';
    case 'BOOLEAN':
      return value.toLowerCase() === 'true' || value.toLowerCase() === 'false' ? null : 'value_not_bool';
    case 'TRUE_ONLY':
      return value.toLowerCase() === 'true' ? null : 'value_not_true_only';
    case 'DATE':
      return dateIsValid(value) ? null : 'value_not_valid_date';
    case 'DATETIME':
      return dateTimeIsValid(value) ? null : 'value_not_valid_datetime';
    case 'COORDINATE':
      return isCoordinate(value) ? null : 'value_not_coordinate';
    case 'URL':
      return URL_PATTERN.test(value) ? null : 'value_not_url';
    case 'FILE_RESOURCE':
    case 'IMAGE':
      return isValidUid(value) ? null : 'value_not_valid_file_resource_uid';
    case 'TIME':
      return TIME.test(value) ? null : 'value_not_valid_time';
    case 'USERNAME':
      return USERNAME.test(value) ? null : 'value_not_valid_username';
    case 'ORGANISATION_UNIT':
      return isValidUid(value) ? null : 'value_not_valid_org_unit_uid';
    case 'AGE':
      return dateIsValid(value) ? null : 'value_not_valid_age';
    default:
      return null;
  }
}
