import type { DataValueRecord } from '../../datavalues/types';
import { FormatError } from '../format-error';
import { whichValue } from './serializer';

// XML 1.0 cannot carry these at all, not even as character references; finding them is the point.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * An attribute value. Line breaks and tabs become character references: written literally, every XML
 * reader would turn them into spaces.
 */
export function xmlAttribute(value: string, record: DataValueRecord | null, field: string): string {
  checkXmlChars(value, record, field);
  return value.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c]!);
}

/** Element text; a carriage return is referenced so that XML's line-end normalisation keeps it. */
export function xmlText(value: string, record: DataValueRecord | null, field: string): string {
  checkXmlChars(value, record, field);
  return value.replace(/[&<>\r]/g, (c) => ESCAPES[c]!);
}

function checkXmlChars(value: string, record: DataValueRecord | null, field: string): void {
  const bad = NOT_XML.exec(value);
  if (!bad) return;
  const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  const who = record ? `${whichValue(record)}: its ${field}` : `The ${field}`;
  throw new FormatError('XML_INVALID_CHARACTER', `${who} contains a character XML cannot hold (U+${code}); remove it, or write JSON or CSV instead.`, {
    line: record && record.line > 0 ? record.line : undefined,
    field,
  });
}
