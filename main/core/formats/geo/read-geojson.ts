import type { Readable } from 'node:stream';
import { FormatError, at } from '../format-error';
import { textChunks } from '../text-chunks';
import { JsonTokenizer, type JsonToken } from '../datavalues/json-tokens';
import { ValueBuilder, syntaxError } from '../metadata/read-json';

/** One element of the file's feature list (or the file itself when it is a single Feature), as built. */
export interface GeoFeatureRecord {
  /** Position in the list, from 0, as DHIS2 counts conflict `indexes`. */
  index: number;
  /** 1-based line of the file where the element starts. */
  line: number;
  /** Usually an object; DHIS2 reads any other value as a feature without identifier. */
  feature: unknown;
}

/** What the reader learnt about the document around the features. */
export interface GeoJsonShape {
  /**
   * `collection`: a root object with a `features` list; `feature`: a root object whose `type` is "Feature"
   * (PR dhis2-core#11753); `no-features`: a root that is not an object, or has no list of features.
   */
  kind: 'collection' | 'feature' | 'no-features';
  /** The root's `type` as written (DHIS2 fails the whole request when it is there but not text). */
  rootType: unknown;
}

/**
 * Streams a GeoJSON file feature by feature: the root's other members (small) are built, the `features`
 * list is handed over one element at a time, so a national boundary file never sits whole in memory.
 * It follows how DHIS2 2.41 reads the document (core@2.41 DefaultGeoJsonService#importGeoData, json-tree
 * 1.8.1): a root `type` of "Feature" in any case makes the root the one feature; only the first `features`
 * member counts; a root that is not an object has no features.
 */
export async function* readGeoJson(input: Readable, fileName: string, shape: GeoJsonShape): AsyncGenerator<GeoFeatureRecord, void, undefined> {
  const tokenizer = new JsonTokenizer();
  type State = 'start' | 'root' | 'member' | 'list' | 'item' | 'skip' | 'end';
  let state = 'start' as State;
  let key = '';
  let builder: ValueBuilder | null = null;
  let index = 0;
  let itemLine = 0;
  let rootLine = 0;
  let skipDepth = 0;
  let sawAny = false;
  let sawFeatures = false;
  let yielded = false;
  const root: Record<string, unknown> = {};
  shape.kind = 'no-features';
  shape.rootType = undefined;

  const isFeatureType = (value: unknown) => typeof value === 'string' && value.toLowerCase() === 'feature';

  const take = (token: JsonToken, out: GeoFeatureRecord[]): boolean => {
    sawAny = true;
    switch (state) {
      case 'start':
        if (token.name !== 'startObject') return false; // DHIS2 finds no features in anything else: nothing more to read.
        rootLine = token.line;
        state = 'root';
        return true;
      case 'root':
        if (token.name === 'endObject') {
          state = 'end';
          return true;
        }
        if (token.name === 'keyValue') {
          key = token.value;
          return true;
        }
        // The first "features" list is streamed, unless the root already said it is a single Feature.
        if (key === 'features' && !sawFeatures && token.name === 'startArray' && !isFeatureType(root.type)) {
          sawFeatures = true;
          shape.kind = 'collection';
          state = 'list';
          return true;
        }
        if (key === 'features' && token.name === 'startArray') {
          sawFeatures = true;
          skipDepth = 1;
          state = 'skip';
          return true;
        }
        if (key === 'features') sawFeatures = true;
        builder = new ValueBuilder(fileName, key, 1);
        builder.take(token);
        if (builder.done) finishMember();
        else state = 'member';
        return true;
      case 'member':
        builder!.take(token);
        if (builder!.done) finishMember();
        return true;
      case 'skip':
        if (token.name === 'startArray' || token.name === 'startObject') skipDepth++;
        else if (token.name === 'endArray' || token.name === 'endObject') skipDepth--;
        if (skipDepth === 0) state = 'root';
        return true;
      case 'list':
        if (token.name === 'endArray') {
          state = 'root';
          return true;
        }
        builder = new ValueBuilder(fileName, `features[${index}]`, 2);
        itemLine = token.line;
        builder.take(token);
        if (builder.done) finishItem(out);
        else state = 'item';
        return true;
      case 'item':
        builder!.take(token);
        if (builder!.done) finishItem(out);
        return true;
      case 'end':
        return true;
    }
  };

  const finishMember = () => {
    // json-tree finds the first of two same-named members; later ones are ignored here too.
    if (!(key in root)) root[key] = builder!.value;
    builder = null;
    state = 'root';
    if (key === 'type' && isFeatureType(root.type) && yielded) {
      throw new FormatError(
        'GEOJSON_AMBIGUOUS',
        `${at(fileName)}: the file lists features and then says its root is a single "Feature"; DHIS2 would import only the root. ` +
          'Remove the root "type": "Feature" (a FeatureCollection) or the "features" list.',
        { file: fileName },
      );
    }
  };

  const finishItem = (out: GeoFeatureRecord[]) => {
    out.push({ index: index++, line: itemLine, feature: builder!.value });
    yielded = true;
    builder = null;
    state = 'list';
  };

  const drain = (tokens: JsonToken[]): { items: GeoFeatureRecord[]; stop: boolean } => {
    const items: GeoFeatureRecord[] = [];
    for (const token of tokens) if (!take(token, items)) return { items, stop: true };
    return { items, stop: false };
  };

  let stopped = false;
  for await (const text of textChunks(input, fileName)) {
    const batch = tokenizer.feed(text);
    const { items, stop } = drain(batch.tokens);
    yield* items;
    if (stop) {
      stopped = true;
      break;
    }
    if (batch.problem) throw syntaxError(fileName, batch.problem);
  }
  if (!stopped) {
    const last = tokenizer.end();
    const { items, stop } = drain(last.tokens);
    yield* items;
    stopped = stop;
    // An empty body is an empty object to DHIS2 (JsonVirtualTree): no features, E7701, not a broken file.
    if (!sawAny) return;
    if (last.problem && !stopped) throw syntaxError(fileName, last.problem);
    if (state !== 'end' && !stopped) {
      throw new FormatError('JSON_SYNTAX', `${at(fileName)}: the file ends before the JSON does; it may have been cut off. Copy it again.`, { file: fileName });
    }
  }
  shape.rootType = root.type;
  if (isFeatureType(root.type)) {
    shape.kind = 'feature';
    yield { index: 0, line: rootLine, feature: root };
  }
}
