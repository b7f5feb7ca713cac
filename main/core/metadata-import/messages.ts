/**
 * ErrorCode.java message templates (2.41) of the codes the offline check reports, verbatim (a test
 * compares them with the shared error_codes_2.41.tsv), filled in as Java's MessageFormat does.
 */
export const METADATA_ERROR_CODES = {
  E4000: 'Missing required property `{0}`',
  E4001: 'Maximum length of property `{0}`is {1}, but given length was {2}',
  E4014: 'Invalid UID `{0}` for property `{1}`',
  E5000: 'Found matching object for reference, but import mode is CREATE. Identifier was {0}, and object was {1}.',
  E5001: 'No matching object for reference. Identifier was {0}, and object was {1}.',
  E5002: 'Invalid reference {0} on object {1} for association `{2}`',
  E5003: 'Property `{0}` with value `{1}` on object {2} already exists on object {3}',
  E5004: 'Id `{0}` for type `{1}` exists on more than 1 object in the payload, removing all but the first found',
  E5007: 'Duplicate reference {0} on object {1} for association `{2}`',
} as const;
export type MetadataErrorCode = keyof typeof METADATA_ERROR_CODES;

export function formatMessage(code: MetadataErrorCode, args: ReadonlyArray<string | number>): string {
  return METADATA_ERROR_CODES[code].replace(/\{(\d+)\}/g, (whole, n: string) => {
    const value = args[Number(n)];
    if (value === undefined) return whole;
    // MessageFormat groups thousands in numbers.
    return typeof value === 'number' ? value.toLocaleString('en-US') : value;
  });
}
