import { describe, expect, it } from 'vitest';
import { PeriodCalendar } from '../../periods';
import { isValidOption, isZero, normalizeBoolean, valueTypeError } from './value-types';

const iso = PeriodCalendar.of('iso8601');
const check = (valueType: string, value: string | null, hasOptionSet = false) =>
  valueTypeError(normalizeBoolean(value, valueType), valueType, hasOptionSet, iso);

function expectValid(valueType: string, values: string[]) {
  for (const value of values) expect(check(valueType, value), `${valueType} ${JSON.stringify(value)}`).toBeNull();
}
function expectInvalid(valueType: string, key: string, values: string[]) {
  for (const value of values) expect(check(valueType, value), `${valueType} ${JSON.stringify(value)}`).toBe(key);
}

describe('value types as DHIS2 2.41 checks them (ValidationUtils.valueIsValid)', () => {
  it('NUMBER: plain decimals without exponent, plus sign, leading zeros or padding; shorter than 250', () => {
    expectValid('NUMBER', ['0', '-0', '1', '-1.5', '123.456', '0.5', '-0.0', '9'.repeat(249)]);
    expectInvalid('NUMBER', 'value_not_numeric', ['01', '1.', '.5', '+1', '1e3', '1,000', ' 1', '1 ', 'NaN', 'Infinity', 'abc', '9'.repeat(250), '--1']);
  });

  it('INTEGER and its signed variants: Java int range, no leading zeros, no "-0"', () => {
    expectValid('INTEGER', ['0', '-5', '2147483647', '-2147483648']);
    expectInvalid('INTEGER', 'value_not_integer', ['-0', '01', '2147483648', '-2147483649', '1.0', '+1', '1e2', '99999999999999999999']);
    expectValid('INTEGER_POSITIVE', ['1', '2147483647']);
    expectInvalid('INTEGER_POSITIVE', 'value_not_positive_integer', ['0', '-1', '2147483648', '01']);
    expectValid('INTEGER_NEGATIVE', ['-1', '-2147483648']);
    expectInvalid('INTEGER_NEGATIVE', 'value_not_negative_integer', ['0', '-0', '1', '-2147483649']);
    expectValid('INTEGER_ZERO_OR_POSITIVE', ['0', '5', '2147483647']);
    expectInvalid('INTEGER_ZERO_OR_POSITIVE', 'value_not_zero_or_positive_integer', ['-1', '00', '2147483648']);
  });

  it("INTEGER and its variants accept exactly what DHIS2's patterns accept, on thousands of odd strings", () => {
    const patterns: Record<string, RegExp> = {
      INTEGER: /^(0|-?[1-9]\d*)$/,
      INTEGER_POSITIVE: /^[1-9]\d*$/,
      INTEGER_NEGATIVE: /^-[1-9]\d*$/,
      INTEGER_ZERO_OR_POSITIVE: /^(0|[1-9]\d*)$/,
    };
    const atoms = ['0', '1', '5', '9', '-', '+', '.', ' ', 'a', 'e', '\u0663', '/', ':', '\n'];
    let state = 11;
    const next = (below: number) => Math.floor(((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * below);
    const values = new Set<string>();
    while (values.size < 5000) {
      let value = '';
      for (let n = 1 + next(6); n > 0; n--) value += atoms[next(atoms.length)];
      if (value.trim() !== '') values.add(value);
    }
    for (const [type, pattern] of Object.entries(patterns)) {
      for (const value of values) expect([type, value, valueTypeError(value, type, false, iso) === null]).toEqual([type, value, pattern.test(value)]);
    }
  });

  it('PERCENTAGE 0–100 and UNIT_INTERVAL 0–1, both numeric first', () => {
    expectValid('PERCENTAGE', ['0', '100', '55.5', '-0.0']);
    expectInvalid('PERCENTAGE', 'value_not_percentage', ['100.1', '-1', '101', '50%']);
    expectValid('UNIT_INTERVAL', ['0', '1', '0.75', '1.000']);
    expectInvalid('UNIT_INTERVAL', 'value_not_unit_interval', ['1.01', '-0.1', '.5']);
  });

  it('BOOLEAN takes true/false in any case and t, T, f, F, 1, 0; TRUE_ONLY only the true ones', () => {
    expectValid('BOOLEAN', ['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 't', 'T', 'f', 'F', '1', '0', 'tRuE', 'fAlSe']);
    expectInvalid('BOOLEAN', 'value_not_bool', ['yes', 'no', ' true', '2', 'test', 'not true', 'y']);
    expectValid('TRUE_ONLY', ['true', 'True', 'TRUE', 't', 'T', '1', 'tRuE']);
    expectInvalid('TRUE_ONLY', 'value_not_true_only', ['false', 'f', 'F', '0', 'test', 'yes']);
  });

  it('normalises only the listed spellings, and only for boolean types (what DHIS2 stores)', () => {
    expect(normalizeBoolean('T', 'BOOLEAN')).toBe('true');
    expect(normalizeBoolean('1', 'BOOLEAN')).toBe('true');
    expect(normalizeBoolean('0', 'BOOLEAN')).toBe('false');
    expect(normalizeBoolean('FALSE', 'BOOLEAN')).toBe('false');
    expect(normalizeBoolean('tRuE', 'BOOLEAN')).toBe('tRuE');
    expect(normalizeBoolean('0', 'TRUE_ONLY')).toBe('0');
    expect(normalizeBoolean('t', 'TRUE_ONLY')).toBe('true');
    expect(normalizeBoolean('T', 'TEXT')).toBe('T');
    expect(normalizeBoolean(null, 'BOOLEAN')).toBeNull();
  });

  it('DATE and AGE: yyyy-MM-dd of a real day; anything after the day must end in a letter or digit', () => {
    for (const type of ['DATE', 'AGE']) {
      expectValid(type, ['2024-02-29', '2024-01-15T10:00', '2024-01-15x', '1900-01-01']);
      expectInvalid(type, type === 'DATE' ? 'value_not_valid_date' : 'value_not_valid_age', [
        '2023-02-29',
        '2024-13-01',
        '2024-1-1',
        '2024-01-15 ',
        '2024-01-32',
        '20240115',
        '15-01-2024',
        '2024/01/15',
      ]);
    }
  });

  it('DATETIME: the Joda patterns DHIS2 lists, whole value, real date and time', () => {
    expectValid('DATETIME', [
      '2024-01-15T10:00:00',
      '2024-01-15T10:00:00.000Z',
      '2024-01-15T10:00:00.123+0100',
      '2024-01-15T10:00:00.123456+01:00',
      '2024-01-15T10',
      '2024-01-15T10:30',
      '2024-01-15 10:00:00Z',
    ]);
    expectInvalid('DATETIME', 'value_not_valid_datetime', [
      '2024-01-15 10:00:00',
      '2024-01-15',
      '2024-02-30T10:00',
      '2024-01-15T24:00',
      '2024-01-15T10:60',
      'today',
    ]);
  });

  it('TIME: H:mm or HH:mm within a day', () => {
    expectValid('TIME', ['0:00', '09:30', '23:59', '9:05']);
    expectInvalid('TIME', 'value_not_valid_time', ['24:00', '9:5', '12:60', '12:00:00', '1200']);
  });

  it('LETTER: one letter of any script', () => {
    expectValid('LETTER', ['a', 'Z', 'Ä', 'ж', 'λ']);
    expectInvalid('LETTER', 'value_not_valid_letter', ['ab', '1', '-', '_']);
  });

  it('PHONE_NUMBER: 6 to 50 of digits, + ( ) # . / - spaces and the letters e x t', () => {
    expectValid('PHONE_NUMBER', ['+47 123 45 678', '123456', '(0) 123-456 ext 7', '+1.555/123']);
    expectInvalid('PHONE_NUMBER', 'value_not_phone_number', ['12345', 'abc123456', '1'.repeat(51), '12345a']);
  });

  it('EMAIL: commons-validator rules, no local names, a real top-level domain', () => {
    expectValid('EMAIL', [
      'someone@example.com',
      'a.b+c@sub.example.org',
      '"some one"@example.com',
      'a@[192.168.0.1]',
      'x@example.co.uk',
      'name@example.museum',
    ]);
    expectInvalid('EMAIL', 'value_not_valid_email', [
      'someone@localhost',
      'someone@example.invalidtld',
      'someone@example',
      'someone@example.com.',
      'some one@example.com',
      'someone.@example.com',
      `${'a'.repeat(65)}@example.com`,
      'someone@-example.com',
      'someone',
    ]);
  });

  it('URL: http, https or ftp with a real host, clean path and query', () => {
    expectValid('URL', [
      'http://example.com',
      'https://www.dhis2.org/path?q=1#x',
      'ftp://files.example.org/a.txt',
      'http://192.168.0.1:8080/x',
      'http://[::1]/',
      'HTTP://EXAMPLE.COM/a/./b',
    ]);
    expectInvalid('URL', 'value_not_url', [
      'example.com',
      'mailto:a@b.com',
      'http://localhost',
      'http://exa mple.com',
      'http://example.com//x',
      'http://example.com/../x',
      'http://example.com:99999',
      'file:///tmp/x',
      'http://example.invalidtld',
      'http:',
    ]);
  });

  it('COORDINATE: [longitude,latitude] as Java floats in range, whitespace ignored', () => {
    expectValid('COORDINATE', ['[10.5,20.3]', '[ 10.5 , -20.3 ]', '[-180,90]', '[1,2,3]', '[1e2,5]', '[180.0000001,0]', '[1f,2d]']);
    expectInvalid('COORDINATE', 'value_not_coordinate', ['[180.1,0]', '[0,91]', '10,20', '[10]', '[abc,1]', '[NaN,1]', '[1,]', '(1,2)']);
  });

  it('ORGANISATION_UNIT, FILE_RESOURCE and IMAGE take a UID', () => {
    expectValid('ORGANISATION_UNIT', ['DiszpKrYNg8']);
    expectInvalid('ORGANISATION_UNIT', 'value_not_valid_org_unit_uid', ['1iszpKrYNg8', 'Diszp', 'DiszpKrYNg8x']);
    expectValid('FILE_RESOURCE', ['DiszpKrYNg8']);
    expectInvalid('IMAGE', 'value_not_valid_file_resource_uid', ['not a uid']);
  });

  it('USERNAME: 4–255 of letters, digits and - _ . @, not at either end nor doubled', () => {
    expectValid('USERNAME', ['john.doe', 'john@doe', 'a_b-c']);
    expectInvalid('USERNAME', 'value_not_valid_username', ['jo', '.john', 'john..doe', 'john_', 'jöhn']);
  });

  it('texts take anything up to 50,000 characters (the length check applies to every type)', () => {
    expectValid('TEXT', ['x'.repeat(50_000), 'anything at all']);
    expectValid('LONG_TEXT', ['x'.repeat(50_000)]);
    expectInvalid('TEXT', 'value_length_greater_than_max_length', ['x'.repeat(50_001)]);
    expectInvalid('NUMBER', 'value_length_greater_than_max_length', ['1'.repeat(50_001)]);
    expectValid('TRACKER_ASSOCIATE', ['whatever']);
  });

  it('blank values pass every type, but MULTI_TEXT without an option set never does', () => {
    expectValid('NUMBER', ['', '   ']);
    expect(check('NUMBER', null)).toBeNull();
    expect(check('MULTI_TEXT', null)).toBe('data_element_lacks_option_set');
    expect(check('MULTI_TEXT', 'A,B', true)).toBeNull();
  });

  it('option codes exactly as written; MULTI_TEXT parts each once', () => {
    const codes = new Set(['A', 'B', '1']);
    const has = (code: string) => codes.has(code);
    expect(isValidOption('1', false, has)).toBe(true);
    expect(isValidOption('7', false, has)).toBe(false);
    expect(isValidOption(' 1', false, has)).toBe(false);
    expect(isValidOption(null, false, has)).toBe(false);
    expect(isValidOption('A,B', true, has)).toBe(true);
    expect(isValidOption('A,', true, has)).toBe(true);
    expect(isValidOption('A,A', true, has)).toBe(false);
    expect(isValidOption('A,Z', true, has)).toBe(false);
    expect(isValidOption('A,B', false, has)).toBe(false);
  });

  it('zero as DHIS2 sees it for zero-significance', () => {
    for (const zero of ['0', '0.0', '0.', '0.000']) expect(isZero(zero), zero).toBe(true);
    for (const other of ['-0', '00', ' 0', '0.1', '', null]) expect(isZero(other), String(other)).toBe(false);
  });

  it('dates in the Nepali calendar follow that calendar', () => {
    const nepali = PeriodCalendar.of('nepali');
    expect(valueTypeError('2080-12-30', 'DATE', false, nepali)).toBeNull();
    expect(valueTypeError('2080-12-32', 'DATE', false, nepali)).toBe('value_not_valid_date');
  });
});
