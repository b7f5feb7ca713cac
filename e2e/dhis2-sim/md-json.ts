/**
 * Reading a metadata payload the way ObjectMapper.readTree does: a syntax error is a JsonParseException,
 * which DHIS2 answers with 409 and Jackson's message. The wording follows Jackson 2.18 (source location
 * redacted); the position is found by a small scan, since JSON.parse does not always report one.
 */

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

const LOCATION = '[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)';

function location(text: string, at: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charAt(i) === '\n') {
      line++;
      column = 1;
    } else column++;
  }
  return `${LOCATION}; line: ${line}, column: ${column}]`;
}

/** Index of the first character that makes the text invalid JSON (text.length for a premature end), or -1. */
export function jsonErrorPosition(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text.charAt(i) !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const ch = text.charAt(i);
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') i++;
      i++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0].length === 0) fail();
    i += match?.[0].length ?? 0;
  };
  const value = (): void => {
    ws();
    const ch = text.charAt(i);
    if (ch === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail();
        string();
        ws();
        if (text.charAt(i) !== ':') fail();
        i++;
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    return number();
  };
  try {
    ws();
    if (i >= text.length) return -1;
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (position) {
    return typeof position === 'number' ? position : 0;
  }
}

/** JSON.parse with Jackson's error wording; an empty body reads as nothing (MissingNode). */
export function parseJsonPayload(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const at = Math.max(jsonErrorPosition(text), 0);
    if (at >= text.length) throw new JsonSyntaxError(`Unexpected end-of-input\n at ${location(text, text.length)}`);
    const ch = text.charAt(at);
    throw new JsonSyntaxError(`Unexpected character ('${ch}' (code ${ch.charCodeAt(0)}))\n at ${location(text, at)}`);
  }
}
