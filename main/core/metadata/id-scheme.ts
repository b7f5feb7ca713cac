import { AppError } from '../errors';

/** How a file names metadata objects (DHIS2 IdScheme): by UID, code, name or a unique attribute's value. */
export type IdScheme = { kind: 'UID' } | { kind: 'CODE' } | { kind: 'NAME' } | { kind: 'ATTRIBUTE'; attribute: string };

export const UID_SCHEME: IdScheme = { kind: 'UID' };

const UID = /^[a-zA-Z][a-zA-Z0-9]{10}$/;

export function isUid(value: string): boolean {
  return UID.test(value);
}

/**
 * Reads a scheme the way DHIS2's IdScheme.from does: names in any case, `ID` as an alias of `UID`,
 * `ATTRIBUTE:` followed by exactly one 11-character UID. Returns null for anything else.
 */
export function tryParseIdScheme(text: string | null | undefined): IdScheme | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  const upper = trimmed.toUpperCase();
  if (upper === 'UID' || upper === 'ID') return { kind: 'UID' };
  if (upper === 'CODE') return { kind: 'CODE' };
  if (upper === 'NAME') return { kind: 'NAME' };
  if (upper.startsWith('ATTRIBUTE:')) {
    const attribute = trimmed.slice('ATTRIBUTE:'.length);
    return isUid(attribute) ? { kind: 'ATTRIBUTE', attribute } : null;
  }
  return null;
}

export function parseIdScheme(text: string): IdScheme {
  const scheme = tryParseIdScheme(text);
  if (!scheme) {
    throw new AppError(
      'INVALID_ID_SCHEME',
      `"${text}" is not an identifier scheme. Use UID, CODE, NAME or ATTRIBUTE:<attribute id> (for example ATTRIBUTE:UKNKz1H10EE).`,
    );
  }
  return scheme;
}

export function formatIdScheme(scheme: IdScheme): string {
  return scheme.kind === 'ATTRIBUTE' ? `ATTRIBUTE:${scheme.attribute}` : scheme.kind;
}
