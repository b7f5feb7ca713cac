import type { Readable } from 'node:stream';
import type { SaxesAttributeNS, SaxesTagNS } from 'saxes';
import { FormatError, at } from '../format-error';
import { MAX_NESTING, tooDeep } from '../input-limits';
import { xmlItems } from '../datavalues/xml-items';
import type { MetadataObjectRecord, MetadataReadResult } from './records';

interface XmlNode {
  name: string;
  attributes: Array<[string, string]>;
  children: XmlNode[];
  text: string;
}

/**
 * DXF2 metadata XML (`<metadata><dataElements><dataElement id=".." name="..">…`), the form DHIS2 up
 * to 2.38 imported and still writes in old exports. Each object is turned into the JSON object
 * Jackson would have read from it: attributes and text-only children are properties, children with
 * attributes are references, and a wrapper of same-named children is a list. Servers from 2.39 on
 * take only JSON, so the job sends this JSON. saxes never expands entities; a DOCTYPE is refused.
 */
export async function* readMetadataXml(input: Readable, fileName: string, result: MetadataReadResult): AsyncGenerator<MetadataObjectRecord, void, undefined> {
  const stack: XmlNode[] = [];
  let depth = 0;
  let collection = '';
  let index = 0;
  let objectLine = 0;
  let sawRoot = false;
  const counts = new Map<string, number>();

  yield* xmlItems<MetadataObjectRecord>(input, fileName, {
    open(tag, line) {
      depth++;
      // The document's nesting is refused before it is built: toValue below recurses once per level.
      if (depth > MAX_NESTING) throw tooDeep(fileName, line, xmlPath(collection, stack));
      if (depth === 1) {
        sawRoot = true;
        checkRoot(tag, line, fileName);
        return;
      }
      if (depth === 2) {
        collection = tag.local;
        index = counts.get(collection) ?? 0;
        if (tag.local === 'system') stack.push(node(tag));
        return;
      }
      if (depth === 3 && collection !== 'system') objectLine = line;
      stack.push(node(tag));
    },
    close(_tag, emit) {
      depth--;
      if (depth === 1) {
        if (collection === 'system' && stack.length === 1) result.header.system = toValue(stack.pop()!);
        counts.set(collection, index);
        return;
      }
      if (depth < 2) return;
      const finished = stack.pop();
      if (!finished) return;
      const parent = stack.at(-1);
      if (parent) {
        parent.children.push(finished);
        return;
      }
      if (depth === 2 && collection !== 'system') {
        const value = toValue(finished);
        const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
        emit({ type: collection, index: index++, line: objectLine, object });
      }
    },
    text(text) {
      const top = stack.at(-1);
      if (top) top.text += text;
    },
  });
  if (!sawRoot) throw new FormatError('EMPTY_FILE', `${at(fileName)} holds no XML element.`, { file: fileName });
}

/** Where an element is, its first few steps: `dataElements/dataElement/description/a…`. */
function xmlPath(collection: string, stack: readonly XmlNode[]): string {
  const steps = [collection, ...stack.slice(0, 4).map((open) => open.name)];
  return steps.join('/') + (stack.length > 4 ? '…' : '');
}

function node(tag: SaxesTagNS): XmlNode {
  const attributes: Array<[string, string]> = [];
  for (const attribute of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
    attributes.push([attribute.local, attribute.value]);
  }
  return { name: tag.local, attributes, children: [], text: '' };
}

function checkRoot(tag: SaxesTagNS, line: number, fileName: string): void {
  if (tag.local === 'metadata') return;
  const other: Record<string, string> = {
    dataValueSet: 'a data value file (DXF2): import it on the Data import page',
    adx: 'an ADX data file: import it on the Data import page',
    FeatureCollection: 'GML (organisation unit geometry): import it on the Org unit geometry import page',
  };
  const gml = tag.uri.includes('opengis.net/gml') || tag.prefix === 'gml' || tag.prefix === 'ogr';
  const what = gml ? other.FeatureCollection : other[tag.local];
  const message = what
    ? `${at(fileName, line)}: this is ${what}.`
    : `${at(fileName, line)}: the root element is <${tag.local}>, but DHIS2 metadata XML starts with <metadata>.`;
  throw new FormatError(what ? 'NOT_METADATA' : 'XML_NOT_METADATA', message, { file: fileName, line });
}

/** `dataSetElements`/`dataSetElement`, `categories`/`category`, `indicatorTypes`/`indicatorType`. */
function isPluralOf(container: string, item: string): boolean {
  return container === `${item}s` || container === `${item}es` || (item.endsWith('y') && container === `${item.slice(0, -1)}ies`);
}

function toValue(element: XmlNode): unknown {
  const text = element.text.trim();
  if (element.attributes.length === 0 && element.children.length === 0) return text === '' ? null : element.text;
  if (element.attributes.length === 0 && element.children.length > 0) {
    const first = element.children[0]!.name;
    const same = element.children.every((child) => child.name === first);
    if (same && (isPluralOf(element.name, first) || element.children.length > 1)) return element.children.map(toValue);
  }
  const object: Record<string, unknown> = {};
  for (const [name, value] of element.attributes) object[name] = value;
  for (const child of element.children) {
    const value = toValue(child);
    if (value !== null) object[child.name] = value;
  }
  return object;
}
