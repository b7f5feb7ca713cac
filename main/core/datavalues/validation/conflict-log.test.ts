import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConflictLog } from './conflict-log';
import { EXPLANATIONS, explainErrorCode } from './explanations';
import { javaHashMapToString, javaStringHash } from './java-hash-map';
import { ERROR_TEMPLATES, formatMessage } from './messages';

const TSV = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../e2e/fixtures/reference/error_codes_2.41.tsv');

describe('messages', () => {
  it('uses DHIS2 2.41’s templates verbatim', () => {
    const templates = new Map(
      readFileSync(TSV, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t') as [string, string]),
    );
    for (const [code, template] of Object.entries(ERROR_TEMPLATES)) expect(template, code).toBe(templates.get(code));
  });

  it('formats like Java’s MessageFormat', () => {
    expect(formatMessage('Period not valid: `{0}`', ['2024W99'])).toBe('Period not valid: `2024W99`');
    expect(formatMessage('Period not valid: `{0}`', [null])).toBe('Period not valid: `null`');
    expect(formatMessage('a {1} b', ['x'])).toBe('a {1} b');
    expect(formatMessage("it''s '{0}' {0}", ['x'])).toBe("it's {0} x");
  });

  it('has a plain-language explanation for every error code it can report', () => {
    for (const code of Object.keys(ERROR_TEMPLATES)) expect(EXPLANATIONS[code], code).toMatch(/\.$/);
    expect(explainErrorCode('E7617')).toMatch(/organisation unit you are not assigned to/);
    expect(explainErrorCode('E9999')).toBeNull();
    expect(explainErrorCode(undefined)).toBeNull();
  });
});

describe('ConflictLog', () => {
  it('builds DHIS2’s conflict: objects by schema name, object first, i18n key in objects and text in the message', () => {
    const log = new ConflictLog();
    log.add({ code: 'E7619', args: ['deUid000001', 'value_not_numeric'] }, 4, 17);
    log.add({ code: 'E7620', args: ['comment_length_greater_than_max_length'] }, 5, 18);
    log.add({ code: 'E7641', args: ['202412', 'deUid000001', 'dsUid000001', '202406'] }, 6, 19);
    log.add({ code: 'E7630', args: [] }, 7, 20);
    expect(log.list()).toEqual([
      {
        object: 'deUid000001',
        objects: { dataElement: 'deUid000001', value: 'value_not_numeric' },
        value: 'Value must match value type of data element `deUid000001`: `Data value is not numeric`',
        errorCode: 'E7619',
        property: 'value',
        indexes: [4],
        lines: [17],
      },
      {
        object: 'comment_length_greater_than_max_length',
        objects: { comment: 'comment_length_greater_than_max_length' },
        value: 'Invalid comment: Comment is greater than max length',
        errorCode: 'E7620',
        property: 'comment',
        indexes: [5],
        lines: [18],
      },
      {
        object: '202412',
        objects: { period: '202412', dataElement: 'deUid000001', dataSet: 'dsUid000001' },
        value: 'Period: `202412` is after latest open future period: `202406` for data element: `deUid000001` and data set: `dsUid000001`',
        errorCode: 'E7641',
        property: 'period',
        indexes: [6],
        lines: [19],
      },
      {
        objects: {},
        value: 'Category option combo is required but is not specified',
        errorCode: 'E7630',
        property: 'categoryOptionCombo',
        indexes: [7],
        lines: [20],
      },
    ]);
  });

  it('groups by error code and objects, collecting indexes and lines in order', () => {
    const log = new ConflictLog();
    log.add({ code: 'E7610', args: ['nope'] }, 0, 2);
    log.add({ code: 'E7612', args: ['nope'] }, 1, 3);
    log.add({ code: 'E7610', args: ['nope'] }, 2, 4);
    log.add({ code: 'E7610', args: ['other'] }, 3, 5);
    expect(log.list().map((c) => [c.errorCode, c.object, c.indexes, c.lines])).toEqual([
      ['E7610', 'nope', [0, 2], [2, 4]],
      ['E7612', 'nope', [1], [3]],
      ['E7610', 'other', [3], [5]],
    ]);
    expect(log.occurrences).toBe(4);
    expect(log.size).toBe(3);
  });

  it('leaves null objects out (DHIS2 writes them as null); like Java’s String.join, null groups with "null"', () => {
    const log = new ConflictLog();
    log.add({ code: 'E7611', args: [null] }, 0, 2);
    log.add({ code: 'E7611', args: ['null'] }, 1, 3);
    log.add({ code: 'E7611', args: ['2024W99'] }, 2, 4);
    expect(log.list()).toEqual([
      { objects: {}, value: 'Period not valid: `null`', errorCode: 'E7611', property: 'period', indexes: [0, 1], lines: [2, 3] },
      {
        object: '2024W99',
        objects: { period: '2024W99' },
        value: 'Period not valid: `2024W99`',
        errorCode: 'E7611',
        property: 'period',
        indexes: [2],
        lines: [4],
      },
    ]);
  });

  it('keeps memory per conflict: indexes and lines stop at the cap, occurrences go on, and the conflict says so', () => {
    const log = new ConflictLog(3);
    for (let i = 0; i < 1000; i++) log.add({ code: 'E7610', args: ['nope'] }, i, i + 2);
    const [conflict] = log.list();
    expect(conflict).toMatchObject({
      indexes: [0, 1, 2],
      lines: [2, 3, 4],
      occurrences: 1000,
      indexesCapped: 'only the first 3 of 1,000 occurrences are listed',
    });
  });

  it('keeps legacy conflicts (object and message only) apart by object and message', () => {
    const log = new ConflictLog();
    log.addLegacy('ADX Error', 'Invalid attributes: {SEX=X}', 5);
    log.addLegacy('ADX Error', 'Invalid attributes: {SEX=X}', 9);
    expect(log.list()).toEqual([{ object: 'ADX Error', value: 'Invalid attributes: {SEX=X}', lines: [5, 9] }]);
  });
});

describe('Java HashMap printing', () => {
  it('hashes strings as Java does', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('SEX')).toBe(81990);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it('orders entries by bucket, then insertion', () => {
    // "AGE" (64735, bucket 15) comes after "SEX" (81990, bucket 7) whatever the insertion order.
    expect(
      javaHashMapToString([
        ['AGE', 'U5'],
        ['SEX', 'F'],
      ]),
    ).toBe('{SEX=F, AGE=U5}');
    expect(javaHashMapToString([])).toBe('{}');
  });
});
