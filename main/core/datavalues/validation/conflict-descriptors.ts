import type { ErrorCode } from './messages';

/**
 * What DHIS2 2.41 knows about each conflict (DataValueImportConflict / DataValueSetImportConflict): the
 * property it names and the types of its arguments. An argument of an identifiable type goes into
 * `objects` under the type's schema singular name; an I18n argument goes in under the property, holding
 * the i18n key, while the message gets the key's text.
 */
export type ObjectType = 'dataElement' | 'period' | 'organisationUnit' | 'categoryOptionCombo' | 'categoryOption' | 'dataSet' | 'user' | 'i18n';

export interface ConflictDescriptor {
  property: string | null;
  objectTypes: readonly ObjectType[];
}

export const DESCRIPTORS: Partial<Record<ErrorCode, ConflictDescriptor>> = {
  E7600: { property: 'dataSet', objectTypes: ['dataSet'] },
  E7601: { property: 'dataSet', objectTypes: ['dataSet'] },
  E7603: { property: 'orgUnit', objectTypes: ['organisationUnit', 'dataSet'] },
  E7604: { property: 'attributeOptionCombo', objectTypes: ['categoryOptionCombo', 'dataSet'] },
  E7610: { property: 'dataElement', objectTypes: ['dataElement'] },
  E7611: { property: 'period', objectTypes: ['period'] },
  E7612: { property: 'orgUnit', objectTypes: ['organisationUnit'] },
  E7613: { property: 'categoryOptionCombo', objectTypes: ['categoryOptionCombo'] },
  E7614: { property: 'categoryOptionCombo', objectTypes: ['categoryOptionCombo', 'categoryOption'] },
  E7615: { property: 'attributeOptionCombo', objectTypes: ['categoryOptionCombo'] },
  E7616: { property: 'attributeOptionCombo', objectTypes: ['categoryOptionCombo', 'categoryOption'] },
  E7617: { property: 'orgUnit', objectTypes: ['organisationUnit', 'user'] },
  E7618: { property: 'value', objectTypes: ['dataElement'] },
  E7619: { property: 'value', objectTypes: ['dataElement', 'i18n'] },
  E7620: { property: 'comment', objectTypes: ['i18n'] },
  E7621: { property: 'value', objectTypes: ['dataElement'] },
  E7630: { property: 'categoryOptionCombo', objectTypes: [] },
  E7631: { property: 'attributeOptionCombo', objectTypes: [] },
  E7632: { property: null, objectTypes: ['period', 'dataElement'] },
  E7633: { property: 'dataElement', objectTypes: ['dataElement', 'dataSet'] },
  E7634: { property: 'categoryOptionCombo', objectTypes: ['categoryOptionCombo', 'dataElement'] },
  E7635: { property: 'attributeOptionCombo', objectTypes: ['categoryOptionCombo', 'dataElement'] },
  E7636: { property: 'orgUnit', objectTypes: ['organisationUnit', 'dataElement'] },
  E7637: { property: 'storedBy', objectTypes: ['i18n'] },
  E7638: { property: 'period', objectTypes: ['period', 'categoryOptionCombo'] },
  E7639: { property: 'orgUnit', objectTypes: ['organisationUnit', 'categoryOptionCombo'] },
  E7640: { property: 'period', objectTypes: ['period', 'dataSet'] },
  // Four message arguments but three types: the latest open period is only in the message.
  E7641: { property: 'period', objectTypes: ['period', 'dataElement', 'dataSet'] },
  E7642: { property: null, objectTypes: ['organisationUnit', 'period', 'categoryOptionCombo', 'dataSet'] },
  E7643: { property: 'period', objectTypes: ['period', 'dataSet'] },
  E7644: { property: 'period', objectTypes: ['period'] },
  E7645: { property: 'dataElement', objectTypes: ['dataElement'] },
};
