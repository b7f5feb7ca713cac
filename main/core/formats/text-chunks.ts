import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { FormatError, at } from './format-error';

/**
 * The text of a stream as UTF-8 string chunks, without a leading byte order mark. DHIS2 reads every
 * exchange format as UTF-8; a UTF-16 file (Excel's "Unicode text") would otherwise turn into garbage
 * that fails much later with a confusing message, so it is refused up front.
 */
export async function* textChunks(input: Readable, fileName: string): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (head !== null) {
      head = Buffer.concat([head, bytes]);
      if (head.length < 3) continue;
      const text = decoder.write(stripByteOrderMark(head, fileName));
      head = null;
      if (text) yield text;
      continue;
    }
    const text = decoder.write(bytes);
    if (text) yield text;
  }
  const rest = (head === null ? '' : decoder.write(stripByteOrderMark(head, fileName))) + decoder.end();
  if (rest) yield rest;
}

function stripByteOrderMark(head: Buffer, fileName: string): Buffer {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new FormatError(
      'UNSUPPORTED_ENCODING',
      `${at(fileName)} is saved as UTF-16 text; DHIS2 files must be UTF-8. Save it again as UTF-8 (in Excel: "CSV UTF-8") and import that file.`,
      { file: fileName },
    );
  }
  return head;
}
