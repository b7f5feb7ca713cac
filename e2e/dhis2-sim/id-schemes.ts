/** IdScheme and IdSchemes (dhis-api common/IdScheme.java, IdSchemes.java) as the data value import and export use them. */

export const IDENTIFIABLE_PROPERTIES = ['ID', 'UID', 'UUID', 'NAME', 'CODE', 'ATTRIBUTE'] as const;
export type IdentifiableProperty = (typeof IDENTIFIABLE_PROPERTIES)[number];

export interface IdScheme {
  type: IdentifiableProperty;
  /** Attribute UID for ATTRIBUTE schemes. */
  attribute?: string;
}

export const UID_SCHEME: IdScheme = { type: 'UID' };
export const CODE_SCHEME: IdScheme = { type: 'CODE' };

const ATTRIBUTE_PREFIX = 'ATTRIBUTE:';

/** Thrown for a scheme name IdScheme.from cannot read; the message is Java's IllegalArgumentException text. */
export class IdSchemeError extends Error {
  override name = 'IdSchemeError';
}

/** IdScheme.from(String): "ATTRIBUTE:" plus an 11-character UID (prefix in any case), or an IdentifiableProperty name in any case. */
export function parseIdScheme(text: string): IdScheme {
  if (text.length === 21 && text.toUpperCase().startsWith(ATTRIBUTE_PREFIX)) return { type: 'ATTRIBUTE', attribute: text.slice(ATTRIBUTE_PREFIX.length) };
  const upper = text.toUpperCase();
  const found = IDENTIFIABLE_PROPERTIES.find((property) => property === upper);
  if (!found) throw new IdSchemeError(`No enum constant org.hisp.dhis.common.IdentifiableProperty.${upper}`);
  return { type: found };
}

/** IdScheme.name(): "UID", "CODE", "ATTRIBUTE:abc123def45". */
export function idSchemeName(scheme: IdScheme): string {
  return scheme.type === 'ATTRIBUTE' && scheme.attribute !== undefined ? `${ATTRIBUTE_PREFIX}${scheme.attribute}` : scheme.type;
}

/** The JSON form inside ImportOptions: {"type":"UID"} or {"type":"ATTRIBUTE","attribute":"..."}. */
export function idSchemeJson(scheme: IdScheme): Record<string, string> {
  return scheme.attribute === undefined ? { type: scheme.type } : { type: scheme.type, attribute: scheme.attribute };
}

/** The properties of IdSchemes in declaration order, which is also their JSON order. */
export const ID_SCHEME_KEYS = [
  'idScheme',
  'dataElementIdScheme',
  'dataElementGroupIdScheme',
  'categoryOptionComboIdScheme',
  'categoryOptionIdScheme',
  'categoryIdScheme',
  'orgUnitIdScheme',
  'orgUnitGroupIdScheme',
  'programIdScheme',
  'programStageIdScheme',
  'trackedEntityIdScheme',
  'trackedEntityAttributeIdScheme',
  'dataSetIdScheme',
  'attributeOptionComboIdScheme',
  'programStageInstanceIdScheme',
] as const;

export type IdSchemeKey = (typeof ID_SCHEME_KEYS)[number];

/** IdSchemes: only what was set is kept; getters fall back to idScheme, then UID. */
export class IdSchemes {
  private readonly schemes = new Map<IdSchemeKey, IdScheme>();

  set(key: IdSchemeKey, scheme: IdScheme): this {
    this.schemes.set(key, scheme);
    return this;
  }

  has(key: IdSchemeKey): boolean {
    return this.schemes.has(key);
  }

  /** setDefaultIdScheme: idScheme only when nothing set it (ADX makes CODE the default this way). */
  setDefault(scheme: IdScheme): this {
    if (!this.schemes.has('idScheme')) this.schemes.set('idScheme', scheme);
    return this;
  }

  /** getXxxIdScheme(): the specific scheme, else idScheme, else UID. */
  get(key: IdSchemeKey): IdScheme {
    return this.schemes.get(key) ?? this.schemes.get('idScheme') ?? UID_SCHEME;
  }

  copy(): IdSchemes {
    const copy = new IdSchemes();
    for (const [key, scheme] of this.schemes) copy.set(key, scheme);
    return copy;
  }

  /** NON_NULL JSON in declaration order. */
  toJSON(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const key of ID_SCHEME_KEYS) {
      const scheme = this.schemes.get(key);
      if (scheme) out[key] = idSchemeJson(scheme);
    }
    return out;
  }
}
