import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { FormatError, at } from '../format-error';
import { textChunks } from '../text-chunks';

export type XmlParser = SaxesParser<{ xmlns: true; position: true }>;

export interface XmlEvents<T> {
  /** An element opened; `line` is the line of its `<`. */
  open(tag: SaxesTagNS, line: number, emit: (item: T) => void): void;
  close?(tag: SaxesTagNS, emit: (item: T) => void): void;
  text?(text: string): void;
}

/** What the handlers emit, one at a time (see xmlItemBatches). */
export async function* xmlItems<T>(input: Readable, fileName: string, events: XmlEvents<T>): AsyncGenerator<T, void, undefined> {
  for await (const batch of xmlItemBatches(input, fileName, events)) yield* batch;
}

/**
 * Streams an XML document through saxes and yields what the handlers emit, chunk by chunk. saxes never
 * fetches or expands external entities; on top of that a DOCTYPE is refused outright, since a data file
 * has no use for one and it is how entity expansion attacks start. When the document breaks, everything
 * emitted before the break is yielded first and then the error is thrown.
 */
export async function* xmlItemBatches<T>(input: Readable, fileName: string, events: XmlEvents<T>): AsyncGenerator<T[], void, undefined> {
  const parser: XmlParser = new SaxesParser({ xmlns: true, position: true });
  let batch: T[] = [];
  const emit = (item: T) => batch.push(item);
  let tagLine = 1;
  parser.on('doctype', () => {
    throw new FormatError(
      'XML_DOCTYPE',
      `${at(fileName, parser.line)}: the file declares a DOCTYPE; data files must not, because it can make the file pull in or expand other content. Remove the <!DOCTYPE …> line.`,
      { file: fileName, line: parser.line },
    );
  });
  parser.on('xmldecl', (declaration) => {
    const encoding = declaration.encoding;
    if (encoding !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding)) {
      throw new FormatError(
        'UNSUPPORTED_ENCODING',
        `${at(fileName, parser.line)}: the file says it is written in ${encoding}; DHIS2 files must be UTF-8. Save it as UTF-8.`,
        {
          file: fileName,
          line: parser.line,
        },
      );
    }
  });
  // saxes reports a tag once its name is read; if a line break ends the name, it has already counted it.
  parser.on('opentagstart', () => (tagLine = parser.column === 0 ? parser.line - 1 : parser.line));
  parser.on('opentag', (tag) => events.open(tag, tagLine, emit));
  if (events.close) parser.on('closetag', (tag) => events.close!(tag, emit));
  if (events.text) {
    parser.on('text', (text) => events.text!(text));
    parser.on('cdata', (text) => events.text!(text));
  }
  const handOver = () => {
    const full = batch;
    batch = [];
    return full;
  };
  for await (const text of textChunks(input, fileName)) {
    const error = attempt(() => parser.write(text), parser, fileName);
    if (batch.length > 0) yield handOver();
    if (error) throw error;
  }
  const error = attempt(() => parser.close(), parser, fileName);
  if (batch.length > 0) yield handOver();
  if (error) throw error;
}

function attempt(step: () => void, parser: XmlParser, fileName: string): FormatError | null {
  try {
    step();
    return null;
  } catch (error) {
    if (error instanceof FormatError) return error;
    const detail = (error instanceof Error ? error.message : String(error)).replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    return new FormatError('XML_SYNTAX', `${at(fileName, parser.line)}: the XML is not well-formed (${detail}). Correct the file and import it again.`, {
      file: fileName,
      line: parser.line,
    });
  }
}

/** Attributes without a namespace prefix, by local name: the only ones DHIS2 looks at. */
export function plainAttributes(tag: SaxesTagNS): Map<string, string> {
  const out = new Map<string, string>();
  for (const attribute of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (attribute.prefix === '' && attribute.name !== 'xmlns') out.set(attribute.local, attribute.value);
  }
  return out;
}
