import type { DataValueRecord } from '../../datavalues/types';
import { blankRecord, emptyToNull, parseJavaBoolean } from './record';

/*
 * A quick reader for DXF2 XML data values as DHIS2 and most tools write them: elements with plain
 * attributes, nothing else. saxes (the full parser) spends most of a million-value file on generality this
 * shape never needs. Anything outside that shape (CDATA, processing instructions, a DOCTYPE,
 * namespace prefixes, entities other than XML's own, non-ASCII names, characters XML forbids, mismatched
 * tags, a document that ends early) makes it give up, and the caller reads the file with saxes from the
 * start: so whatever this accepts, saxes accepts too and reads the same way, and every error message,
 * line and refusal is saxes's.
 */

const LT = 60;
const GT = 62;
const SLASH = 47;
const QUESTION = 63;
const BANG = 33;
const EQUALS = 61;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const AMPERSAND = 38;
const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/** A declaration of XML 1.0 in UTF-8 (or ASCII, or none), the only ones the app reads. */
const XML_DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])(?:[uU][tT][fF]-?8|[uU][sS]-[aA][sS][cC][iI][iI]|[aA][sS][cC][iI][iI])\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/;
const RESERVED_NAMESPACES = new Set(['http://www.w3.org/XML/1998/namespace', 'http://www.w3.org/2000/xmlns/']);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Names starting with "xml" (any case) are reserved; only xmlns itself is read here. */
function startsWithXml(name: string): boolean {
  return name.length >= 3 && (name.charCodeAt(0) | 32) === 120 && (name.charCodeAt(1) | 32) === 109 && (name.charCodeAt(2) | 32) === 108;
}

/**
 * A whole <dataValue> tag on one line with up to twelve double-quoted attributes whose values need nothing
 * done to them (no entity, line break, tab, or character XML forbids or needs a second look at): nearly
 * every tag of a real file, matched by the regular expression engine in one step, several times faster
 * than any loop over the characters here. Any other tag is read the long way (or not at all).
 */
const ATTRIBUTE = '(?:[ \\t]+([A-Za-z_][A-Za-z0-9._-]*)[ \\t]*=[ \\t]*"([^"<&\\x00-\\x1f\\ud800-\\udfff\\ufffe\\uffff]*)")?';
const MAX_QUICK_ATTRIBUTES = 12;
const DATA_VALUE_TAG = new RegExp(`<dataValue${ATTRIBUTE.repeat(MAX_QUICK_ATTRIBUTES)}[ \\t]*/?>`, 'y');

/** Thrown inside the reader when the text leaves the shape it handles; never escapes it. */
class GiveUp extends Error {}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === TAB || c === CARRIAGE_RETURN;
}

/** XML 1.0's Char production, for one UTF-16 unit (surrogate pairs are checked by the caller). */
function isPlainChar(c: number): boolean {
  return (c >= 0x20 && c < 0xd800) || c === TAB || c === NEWLINE || c === CARRIAGE_RETURN || (c >= 0xe000 && c <= 0xfffd);
}

export class FastDxfValues {
  private pending = '';
  private line = 1;
  private depth = 0;
  private readonly open: string[] = [];
  private started = false;
  private rootClosed = false;
  private index = 0;
  /** The attributes of the tag being read (reused from tag to tag). */
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  /** Line breaks inside the last attribute value read. */
  private lastNewlines = 0;

  /** Set once the text left the shape this reader handles; the caller then reads with saxes. */
  gaveUp = false;

  /** The values this text completes, or null when the reader gave up. */
  feed(text: string): DataValueRecord[] | null {
    if (this.gaveUp) return null;
    const input = this.pending === '' ? text : this.pending + text;
    const out: DataValueRecord[] = [];
    try {
      const used = this.scan(input, out);
      this.pending = input.slice(used);
    } catch (error) {
      if (!(error instanceof GiveUp)) throw error;
      this.gaveUp = true;
      return null;
    }
    return out;
  }

  /** The end of the document: null when it did not end as a whole document (saxes will say why). */
  end(): boolean {
    if (this.gaveUp || this.pending.trim() !== '' || !this.rootClosed) {
      this.gaveUp = true;
      return false;
    }
    return true;
  }

  /** Reads complete markup from the start of `input`; returns where the unread rest begins. */
  private scan(input: string, out: DataValueRecord[]): number {
    const length = input.length;
    let pos = 0;
    if (!this.started) {
      if (length < 6) return 0;
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) throw new GiveUp();
      if (input.startsWith('<?')) {
        const end = input.indexOf('?>');
        if (end === -1) {
          this.started = false;
          if (length > 1024) throw new GiveUp();
          return 0;
        }
        const declaration = XML_DECLARATION.exec(input);
        if (!declaration || declaration[0].length !== end + 2) throw new GiveUp();
        pos = this.newlines(input, 0, end + 2);
      }
    }
    for (;;) {
      // Character data up to the next tag.
      const lt = input.indexOf('<', pos);
      const textEnd = lt === -1 ? length : lt;
      if (textEnd === pos + 1 && input.charCodeAt(pos) === NEWLINE) {
        // One line break between tags, as most files have.
        this.line++;
        pos++;
      } else if (textEnd > pos) {
        // A "\r" at the very end may be half of a "\r\n": keep it for the next chunk.
        const end = lt === -1 && input.charCodeAt(length - 1) === CARRIAGE_RETURN ? length - 1 : textEnd;
        this.text(input, pos, end);
        pos = end;
      }
      if (lt === -1) return pos;
      if (this.depth > 0 && input.charCodeAt(lt + 1) === 100) {
        DATA_VALUE_TAG.lastIndex = lt;
        const match = DATA_VALUE_TAG.exec(input);
        if (match !== null) {
          pos = DATA_VALUE_TAG.lastIndex;
          this.quickTag(input, pos, match, out);
          continue;
        }
      }
      const next = this.markup(input, lt, out);
      if (next === -1) return lt;
      pos = next;
    }
  }

  /** Text between tags: only whitespace outside the root; inside it no entities, ">" (as in "]]>") or characters XML forbids. */
  private text(input: string, from: number, to: number): void {
    const inRoot = this.depth > 0;
    for (let i = from; i < to; i++) {
      const c = input.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      else if (c === CARRIAGE_RETURN) {
        if (input.charCodeAt(i + 1) !== NEWLINE) this.line++;
      } else if (!inRoot) {
        if (c !== SPACE && c !== TAB) throw new GiveUp();
      } else if (c < 0x20 || c >= 0xd800 || c === AMPERSAND || c === GT) {
        if (c === AMPERSAND || c === GT || !this.validAt(input, i)) throw new GiveUp();
        if (c >= 0xd800 && c <= 0xdbff) i++;
      }
    }
  }

  /** A valid XML character (or surrogate pair) at `i`. */
  private validAt(input: string, i: number): boolean {
    const c = input.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = input.charCodeAt(i + 1);
      return low >= 0xdc00 && low <= 0xdfff;
    }
    return isPlainChar(c);
  }

  /** One tag starting at `lt`; returns where it ends, or -1 when the input stops inside it. */
  private markup(input: string, lt: number, out: DataValueRecord[]): number {
    const length = input.length;
    if (lt + 1 >= length) return -1;
    const first = input.charCodeAt(lt + 1);
    if (first === BANG) return this.comment(input, lt);
    if (first === QUESTION) throw new GiveUp();
    if (first === SLASH) return this.closeTag(input, lt);
    if (!isNameStart(first)) throw new GiveUp();
    if (this.rootClosed) throw new GiveUp();
    let pos = lt + 2;
    while (pos < length && isNameChar(input.charCodeAt(pos))) pos++;
    if (pos >= length) return -1;
    const name = input.slice(lt + 1, pos);
    if (startsWithXml(name)) throw new GiveUp();
    const lineOfTag = this.line;
    let line = this.line;
    const names = this.names;
    const values = this.values;
    names.length = 0;
    values.length = 0;
    let selfClosing = false;
    for (;;) {
      // Between attributes: whitespace, then a name, "/>" or ">".
      const before = pos;
      let c = 0;
      while (pos < length && isSpace((c = input.charCodeAt(pos)))) {
        if (c === NEWLINE || (c === CARRIAGE_RETURN && input.charCodeAt(pos + 1) !== NEWLINE)) line++;
        pos++;
      }
      if (pos >= length) return -1;
      if (c === GT) {
        pos++;
        break;
      }
      if (c === SLASH) {
        if (pos + 1 >= length) return -1;
        if (input.charCodeAt(pos + 1) !== GT) throw new GiveUp();
        selfClosing = true;
        pos += 2;
        break;
      }
      if (pos === before || !isNameStart(c)) throw new GiveUp();
      const nameStart = pos;
      while (pos < length && isNameChar(input.charCodeAt(pos))) pos++;
      const attribute = input.slice(nameStart, pos);
      if (names.includes(attribute)) throw new GiveUp();
      while (pos < length && isSpace((c = input.charCodeAt(pos)))) {
        if (c === NEWLINE || (c === CARRIAGE_RETURN && input.charCodeAt(pos + 1) !== NEWLINE)) line++;
        pos++;
      }
      if (pos >= length) return -1;
      if (c !== EQUALS) throw new GiveUp();
      pos++;
      while (pos < length && isSpace((c = input.charCodeAt(pos)))) {
        if (c === NEWLINE || (c === CARRIAGE_RETURN && input.charCodeAt(pos + 1) !== NEWLINE)) line++;
        pos++;
      }
      if (pos >= length) return -1;
      if (c !== DOUBLE_QUOTE && c !== SINGLE_QUOTE) throw new GiveUp();
      const close = input.indexOf(c === DOUBLE_QUOTE ? '"' : "'", pos + 1);
      if (close === -1) {
        if (length - lt > 1024 * 1024) throw new GiveUp();
        return -1;
      }
      const value = this.attributeValue(input, pos + 1, close);
      line += this.lastNewlines;
      if (startsWithXml(attribute) && (attribute !== 'xmlns' || RESERVED_NAMESPACES.has(value.trim()))) throw new GiveUp();
      names.push(attribute);
      values.push(value);
      pos = close + 1;
    }
    this.line = line;
    if (this.depth === 0) {
      if (name !== 'dataValueSet') throw new GiveUp();
    } else if (name === 'dataValue') out.push(this.record(names, values, names.length, 0, lineOfTag));
    if (selfClosing) {
      if (this.depth === 0) this.rootClosed = true;
    } else {
      this.open.push(name);
      this.depth++;
    }
    return pos;
  }

  /** A comment (files exported with a licence header have one before the root); returns -1 when it is not complete yet. */
  private comment(input: string, lt: number): number {
    if (input.length < lt + 4) return -1;
    if (!input.startsWith('<!--', lt)) throw new GiveUp();
    const end = input.indexOf('-->', lt + 4);
    if (end === -1) {
      if (input.length - lt > 1024 * 1024) throw new GiveUp();
      return -1;
    }
    // XML forbids "--" inside a comment, and so a "-" just before its end.
    if (input.indexOf('--', lt + 4) < end || input.charCodeAt(end - 1) === 45) throw new GiveUp();
    for (let i = lt + 4; i < end; i++) {
      const c = input.charCodeAt(i);
      if (c < 0x20 || c >= 0xd800) {
        if (!this.validAt(input, i)) throw new GiveUp();
        if (c >= 0xd800 && c <= 0xdbff) i++;
      }
    }
    this.newlines(input, lt + 4, end);
    return end + 3;
  }

  private closeTag(input: string, lt: number): number {
    const length = input.length;
    let pos = lt + 2;
    while (pos < length && isNameChar(input.charCodeAt(pos))) pos++;
    const name = input.slice(lt + 2, pos);
    let line = this.line;
    let c = 0;
    while (pos < length && isSpace((c = input.charCodeAt(pos)))) {
      if (c === NEWLINE || (c === CARRIAGE_RETURN && input.charCodeAt(pos + 1) !== NEWLINE)) line++;
      pos++;
    }
    if (pos >= length) return -1;
    if (c !== GT || name === '' || this.open.at(-1) !== name) throw new GiveUp();
    this.line = line;
    this.open.pop();
    if (--this.depth === 0) this.rootClosed = true;
    return pos + 1;
  }

  /**
   * An attribute value as XML reads it: line breaks and tabs become spaces ("\r\n" one space), XML's own
   * entities and character references are replaced; anything else gives up.
   */
  private attributeValue(input: string, from: number, to: number): string {
    this.lastNewlines = 0;
    let plain = true;
    for (let i = from; i < to; i++) {
      const c = input.charCodeAt(i);
      if (c < 0x20 || c >= 0xd800 || c === AMPERSAND || c === LT) {
        plain = false;
        break;
      }
    }
    if (plain) return input.slice(from, to);
    let value = '';
    let start = from;
    for (let i = from; i < to; i++) {
      const c = input.charCodeAt(i);
      if (c >= 0x20 && c < 0xd800 && c !== AMPERSAND && c !== LT) continue;
      if (c === LT) throw new GiveUp();
      value += input.slice(start, i);
      if (c === AMPERSAND) {
        const semicolon = input.indexOf(';', i + 1);
        if (semicolon === -1 || semicolon > to) throw new GiveUp();
        value += entity(input.slice(i + 1, semicolon));
        i = semicolon;
      } else if (c === NEWLINE || c === TAB) {
        if (c === NEWLINE) this.lastNewlines++;
        value += ' ';
      } else if (c === CARRIAGE_RETURN) {
        this.lastNewlines++;
        if (input.charCodeAt(i + 1) === NEWLINE) i++;
        value += ' ';
      } else {
        if (!this.validAt(input, i)) throw new GiveUp();
        const width = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        value += input.slice(i, i + width);
        i += width - 1;
      }
      start = i + 1;
    }
    return value + input.slice(start, to);
  }

  /** Counts the lines of input[from, to) and returns `to`. */
  private newlines(input: string, from: number, to: number): number {
    for (let i = from; i < to; i++) {
      const c = input.charCodeAt(i);
      if (c === NEWLINE || (c === CARRIAGE_RETURN && input.charCodeAt(i + 1) !== NEWLINE)) this.line++;
    }
    return to;
  }

  /** A <dataValue> tag DATA_VALUE_TAG matched, ending at `end`: read-xml's recordOf on the attribute pairs of the match. */
  private quickTag(input: string, end: number, match: RegExpExecArray, out: DataValueRecord[]): void {
    const record = blankRecord(this.index++, this.line);
    let seen = 0;
    let others: string[] | null = null;
    let followup: string | undefined;
    let followUp: string | undefined;
    for (let group = 1; group < match.length; group += 2) {
      const name = match[group];
      if (name === undefined) break;
      const value = match[group + 1]!;
      let bit = 0;
      switch (name) {
        case 'dataElement':
          bit = 1;
          record.dataElement = emptyToNull(value);
          break;
        case 'period':
          bit = 2;
          record.period = emptyToNull(value);
          break;
        case 'orgUnit':
          bit = 4;
          record.orgUnit = emptyToNull(value);
          break;
        case 'categoryOptionCombo':
          bit = 8;
          record.categoryOptionCombo = emptyToNull(value);
          break;
        case 'attributeOptionCombo':
          bit = 16;
          record.attributeOptionCombo = emptyToNull(value);
          break;
        case 'value':
          bit = 32;
          record.value = emptyToNull(value);
          break;
        case 'storedBy':
          bit = 64;
          record.storedBy = emptyToNull(value);
          break;
        case 'created':
          bit = 128;
          record.created = emptyToNull(value);
          break;
        case 'lastUpdated':
          bit = 256;
          record.lastUpdated = emptyToNull(value);
          break;
        case 'comment':
          bit = 512;
          record.comment = emptyToNull(value);
          break;
        case 'followup':
          bit = 1024;
          followup = value;
          break;
        case 'followUp':
          bit = 2048;
          followUp = value;
          break;
        case 'deleted':
          bit = 4096;
          record.deleted = parseJavaBoolean(value);
          break;
        default:
          if (startsWithXml(name) && (name !== 'xmlns' || RESERVED_NAMESPACES.has(value.trim()))) throw new GiveUp();
          if (others?.includes(name)) throw new GiveUp();
          (others ??= []).push(name);
      }
      if ((seen & bit) !== 0) throw new GiveUp();
      seen |= bit;
    }
    // 2.41 reads `followUp`; DHIS2's own sample files write `followup`.
    record.followup = parseJavaBoolean(followUp ?? followup);
    out.push(record);
    if (input.charCodeAt(end - 2) !== SLASH) {
      this.open.push('dataValue');
      this.depth++;
    }
  }

  /**
   * read-xml's recordOf. The attributes are the first `count` pairs of `list` from `offset` on (names at
   * even steps, values after them), or with `values` given, names from `list` and values from `values`.
   */
  private record(list: readonly (string | undefined)[], values: readonly string[] | null, count: number, offset: number, line: number): DataValueRecord {
    const record = blankRecord(this.index++, line);
    let followup: string | undefined;
    let followUp: string | undefined;
    for (let i = 0; i < count; i++) {
      const name = values === null ? list[offset + 2 * i]! : list[i]!;
      const value = values === null ? list[offset + 2 * i + 1]! : values[i]!;
      switch (name) {
        case 'dataElement':
          record.dataElement = emptyToNull(value);
          break;
        case 'period':
          record.period = emptyToNull(value);
          break;
        case 'orgUnit':
          record.orgUnit = emptyToNull(value);
          break;
        case 'categoryOptionCombo':
          record.categoryOptionCombo = emptyToNull(value);
          break;
        case 'attributeOptionCombo':
          record.attributeOptionCombo = emptyToNull(value);
          break;
        case 'value':
          record.value = emptyToNull(value);
          break;
        case 'storedBy':
          record.storedBy = emptyToNull(value);
          break;
        case 'created':
          record.created = emptyToNull(value);
          break;
        case 'lastUpdated':
          record.lastUpdated = emptyToNull(value);
          break;
        case 'comment':
          record.comment = emptyToNull(value);
          break;
        case 'followup':
          followup = value;
          break;
        case 'followUp':
          followUp = value;
          break;
        case 'deleted':
          record.deleted = parseJavaBoolean(value);
          break;
      }
    }
    // 2.41 reads `followUp`; DHIS2's own sample files write `followup`.
    record.followup = parseJavaBoolean(followUp ?? followup);
    return record;
  }
}

/** XML's own entities and character references (as saxes reads them); anything else gives up. */
function entity(name: string): string {
  const known = ENTITIES[name];
  if (known !== undefined) return known;
  let code = NaN;
  if (/^#x[0-9a-f]+$/i.test(name)) code = parseInt(name.slice(2), 16);
  else if (/^#[0-9]+$/.test(name)) code = parseInt(name.slice(1), 10);
  const valid =
    code === TAB ||
    code === NEWLINE ||
    code === CARRIAGE_RETURN ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!valid) throw new GiveUp();
  return String.fromCodePoint(code);
}
