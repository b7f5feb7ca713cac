import type { ImportDataParams } from '../../../../shared/data-import';
import { formatIdScheme, tryParseIdScheme, type IdScheme } from '../../metadata/id-scheme';
import type { IdSchemes } from '../types';

/** The id scheme of each kind of identifier in an import, after DHIS2 2.41's precedence rules. */
export interface EffectiveIdSchemes {
  /** The general one (`idScheme`): header attribute category options, ADX category options and categories. */
  general: IdScheme;
  dataElement: IdScheme;
  orgUnit: IdScheme;
  /** Also used for attribute option combos: 2.41 has no attributeOptionComboIdScheme on import. */
  categoryOptionCombo: IdScheme;
  dataSet: IdScheme;
  category: IdScheme;
  categoryOption: IdScheme;
}

export type SchemeOutcome = { ok: true; schemes: EffectiveIdSchemes } | { ok: false; message: string };

type Specific = 'dataElementIdScheme' | 'orgUnitIdScheme' | 'categoryOptionComboIdScheme' | 'dataSetIdScheme';

/**
 * DXF2 JSON/XML/CSV (DefaultDataValueSetService.createIdScheme): a scheme in the payload wins, its own
 * specific one first, then its `idScheme`; only then the request's specific one, its `idScheme`, and UID.
 * ADX (DefaultAdxDataService): the request's schemes, with CODE instead of UID as the default. ADX files
 * name no schemes, so for ADX the header's schemes are taken as request schemes that ImportDataParams has
 * no field for (dataSetIdScheme, categoryIdScheme, categoryOptionIdScheme), ahead of the params' own.
 * ImportDataParams always carries an idScheme (UID by default), so for ADX a UID there is taken as "not
 * chosen": ask for UIDs in ADX with the specific schemes.
 *
 * A scheme name DHIS2 cannot read fails the whole import, as IdScheme.from throws.
 */
export function effectiveIdSchemes(header: IdSchemes, params: ImportDataParams, adx: boolean): SchemeOutcome {
  const read = (text: string | null | undefined): IdScheme | null | Error => {
    if (text === null || text === undefined || text === '') return null;
    return tryParseIdScheme(text) ?? new Error(`No enum constant org.hisp.dhis.common.IdentifiableProperty.${text.toUpperCase()}`);
  };
  const requestGeneral = read(params.idScheme);
  const fallback: IdScheme = { kind: adx ? 'CODE' : 'UID' };
  const general = adx
    ? requestGeneral instanceof Error || requestGeneral === null || requestGeneral.kind === 'UID'
      ? fallback
      : requestGeneral
    : requestGeneral;
  const payloadGeneral = adx ? null : read(header.idScheme);
  const failures: Error[] = [];
  const pick = (...candidates: (IdScheme | null | Error)[]): IdScheme => {
    for (const candidate of candidates) {
      if (candidate instanceof Error) {
        failures.push(candidate);
        return fallback;
      }
      if (candidate) return candidate;
    }
    return fallback;
  };
  const requestSpecific = (name: Specific) => read((params as Partial<Record<Specific, string>>)[name]);
  const specific = (name: Specific) =>
    adx ? pick(read(header[name]), requestSpecific(name), general) : pick(read(header[name]), payloadGeneral, requestSpecific(name), general);
  const schemes: EffectiveIdSchemes = {
    general: adx ? pick(general) : pick(payloadGeneral, general),
    dataElement: specific('dataElementIdScheme'),
    orgUnit: specific('orgUnitIdScheme'),
    categoryOptionCombo: specific('categoryOptionComboIdScheme'),
    dataSet: specific('dataSetIdScheme'),
    category: pick(read(header.categoryIdScheme), general),
    categoryOption: pick(read(header.categoryOptionIdScheme), general),
  };
  const failure = failures[0] ?? (general instanceof Error ? general : null);
  return failure ? { ok: false, message: failure.message } : { ok: true, schemes };
}

/** How DHIS2 names a scheme in ADX messages ("No data element matching code 'X'"). */
export function schemeWord(scheme: IdScheme): string {
  return scheme.kind.toLowerCase();
}

export { formatIdScheme };
