import { computed, onMounted, ref, watch } from 'vue';
import { toUserError, type UserError } from '@/lib/errors';
import { useMetadataStore } from '@/stores/metadata';

export type ListedObject = Awaited<ReturnType<ReturnType<typeof useMetadataStore>['list']>>[number];
export type SchemeTarget = 'dataElements' | 'organisationUnits' | 'categoryOptionCombos';
export interface SchemeItem {
  value: string;
  title: string;
}

/** The value of an "ID scheme for …" field that sends nothing, so the server uses the main ID scheme. */
export const SAME_AS_ID_SCHEME = '';

export type SchemeKey = 'dataElementIdScheme' | 'orgUnitIdScheme' | 'categoryOptionComboIdScheme';
/** A form's ID schemes as its fields hold them: SAME_AS_ID_SCHEME where a kind follows the main scheme. */
export type IdSchemes = { idScheme: string } & { [K in SchemeKey]?: string };

/** The schemes as job options: a kind that follows the main scheme is not sent. */
export function schemeParams(schemes: IdSchemes): IdSchemes {
  const out: IdSchemes = { idScheme: schemes.idScheme };
  for (const key of ['dataElementIdScheme', 'orgUnitIdScheme', 'categoryOptionComboIdScheme'] as const) {
    const value = schemes[key];
    if (value !== undefined && value !== SAME_AS_ID_SCHEME) out[key] = value;
  }
  return out;
}

/** The form's schemes from job options (an old job's, or the defaults), for the kinds the form shows. */
export function schemesFrom(options: Partial<Record<'idScheme' | SchemeKey, string>>, keys: readonly SchemeKey[], idSchemeDefault: string): IdSchemes {
  const out: IdSchemes = { idScheme: options.idScheme ?? idSchemeDefault };
  for (const key of keys) out[key] = options[key] ?? SAME_AS_ID_SCHEME;
  return out;
}

/** The attribute applies to these object types; unknown (no detail) counts as any. */
function appliesTo(attribute: ListedObject, targets: readonly SchemeTarget[]): boolean {
  if (!attribute.detail) return true;
  const types = attribute.detail.split(',').map((type) => type.trim());
  return targets.every((target) => types.includes(target));
}

/**
 * The ID schemes a file can name things by: UID, code, name, or a unique attribute from the
 * offline metadata, listed again when the server or its metadata snapshot changes.
 */
export function useAttributeSchemes(serverId: () => string | null) {
  const metadata = useMetadataStore();
  const attributes = ref<ListedObject[]>([]);
  const error = ref<UserError | null>(null);

  async function load() {
    try {
      attributes.value = await metadata.list({ type: 'attributes', serverId: serverId(), limit: 500 });
      error.value = null;
    } catch (err) {
      error.value = toUserError(err);
    }
  }

  function items(targets: readonly SchemeTarget[], current: string): SchemeItem[] {
    const list = [
      { value: 'UID', title: 'UID' },
      { value: 'CODE', title: 'Code' },
      { value: 'NAME', title: 'Name' },
      ...attributes.value
        .filter((attribute) => appliesTo(attribute, targets))
        .map((attribute) => ({ value: `ATTRIBUTE:${attribute.id}`, title: `Attribute: ${attribute.name ?? attribute.code ?? attribute.id}` })),
    ];
    // A scheme from a recreated job whose attribute is not in the offline metadata stays visible.
    if (current && current !== SAME_AS_ID_SCHEME && !list.some((item) => item.value === current)) {
      list.push({ value: current, title: current.startsWith('ATTRIBUTE:') ? `Attribute: ${current.slice(10)}` : current });
    }
    return list;
  }

  /** A field for one kind of object: "Same as ID scheme (…)" first. */
  function itemsWithSame(targets: readonly SchemeTarget[], current: string, idScheme: string): SchemeItem[] {
    // As in DHIS2: the ID scheme offers attributes for both data elements and org units.
    const main = items(['dataElements', 'organisationUnits'], idScheme).find((item) => item.value === idScheme)?.title ?? idScheme;
    return [{ value: SAME_AS_ID_SCHEME, title: `Same as ID scheme (${main})` }, ...items(targets, current)];
  }

  watch(() => [metadata.current?.snapshot?.id ?? null, serverId()] as const, load);
  onMounted(load);

  return { attributes, error, items, itemsWithSame, hasMetadata: computed(() => Boolean(metadata.current?.snapshot)) };
}
