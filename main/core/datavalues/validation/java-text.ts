/** Java's string helpers where they differ from JavaScript's, for matching DHIS2 character for character. */

/** String.trim: only characters up to U+0020 count as whitespace. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.slice(start, end);
}

/** StringUtils.trimToNull. */
export function trimToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = javaTrim(value);
  return trimmed === '' ? null : trimmed;
}

/** StringUtils.isBlank as DHIS2 uses it (`value == null || value.trim().isEmpty()`). */
export function javaIsBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || javaTrim(value) === '';
}

/** String.split with a literal separator: trailing empty strings are dropped. */
export function javaSplit(value: string, separator: string): string[] {
  const parts = value.split(separator);
  if (value === '') return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
