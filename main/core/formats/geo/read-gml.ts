import type { Readable } from 'node:stream';
import type { SaxesTagNS } from 'saxes';
import { FormatError, at } from '../format-error';
import { MAX_NESTING, tooDeep } from '../input-limits';
import { xmlItems } from '../datavalues/xml-items';

export const GML_NAMESPACE = 'http://www.opengis.net/gml';

/** One `gml:featureMember` as DHIS2 2.41's stylesheet turns it into an org unit (core@2.41 resources/gml/gml2dxf2.xsl). */
export interface GmlFeatureRecord {
  /** Position among the feature members, from 0. */
  index: number;
  line: number;
  /** The stylesheet keeps one identifier: uid if any is non-empty, else code, else name. */
  match: { by: 'id' | 'code' | 'name'; value: string } | null;
  /** The feature's name element, whatever it matched by (for people). */
  name: string | null;
  /** As GmlConversionUtils writes it: polygons rounded to 4 decimals, points to 6; null without a geometry. */
  geometry: { type: 'Point' | 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
}

type Id = 'uid' | 'code' | 'name';
const ID_NAMES: Record<string, Id> = { uid: 'uid', UID: 'uid', Uid: 'uid', code: 'code', CODE: 'code', Code: 'code', name: 'name', NAME: 'name', Name: 'name' };
const POLYGON_PRECISION = 4;
const POINT_PRECISION = 6;

interface Open {
  tag: SaxesTagNS;
  /** Text of this element and its descendants (XPath string-value), for identifier elements only. */
  text: string | null;
}

interface Feature {
  index: number;
  line: number;
  depth: number;
  ids: Record<Id, string[]>;
  geometry: { type: 'Point' | 'Polygon' | 'MultiPolygon'; depth: number; members: string[][]; current: string[] } | null;
  done: GmlFeatureRecord['geometry'];
  coordinateText: { kind: 'coordinates' | 'posList' | 'pos'; text: string } | null;
}

/**
 * Streams GML 2 feature members with saxes (no DTD, no external entities: a DOCTYPE is refused outright,
 * which is how dhis2-core's testMaliciousGmlPayload.gml attacks). Follows gml2dxf2.xsl: identifiers are
 * any descendant named uid/code/name in any case the stylesheet lists; the geometry is a gml:Polygon,
 * gml:MultiPolygon or gml:Point two levels below the feature member; coordinates come from gml:coordinates
 * ("x,y x,y"), gml:posList ("x y x y", an odd count gives nothing) and gml:pos.
 */
export async function* readGml(input: Readable, fileName: string): AsyncGenerator<GmlFeatureRecord, void, undefined> {
  const stack: Open[] = [];
  let feature: Feature | null = null;
  let index = 0;
  let sawRoot = false;

  yield* xmlItems<GmlFeatureRecord>(input, fileName, {
    open(tag, line) {
      if (stack.length >= MAX_NESTING)
        throw tooDeep(
          fileName,
          line,
          stack
            .slice(0, 4)
            .map((o) => o.tag.local)
            .join('/'),
        );
      if (!sawRoot) {
        sawRoot = true;
        checkRoot(tag, line, fileName);
      }
      const inGml = tag.uri === GML_NAMESPACE;
      if (!feature && inGml && tag.local === 'featureMember') {
        feature = { index: index++, line, depth: stack.length, ids: { uid: [], code: [], name: [] }, geometry: null, done: null, coordinateText: null };
      } else if (feature) {
        const relative = stack.length - feature.depth;
        const id = ID_NAMES[tag.local];
        if (id) stack.push({ tag, text: '' });
        else stack.push({ tag, text: null });
        if (
          relative === 3 &&
          inGml &&
          !feature.geometry &&
          !feature.done &&
          (tag.local === 'Polygon' || tag.local === 'MultiPolygon' || tag.local === 'Point')
        ) {
          feature.geometry = { type: tag.local, depth: stack.length, members: [], current: [] };
        } else if (feature.geometry && inGml) {
          if (tag.local === 'polygonMember' && feature.geometry.type === 'MultiPolygon') feature.geometry.current = [];
          if (tag.local === 'coordinates' || tag.local === 'posList' || tag.local === 'pos') feature.coordinateText = { kind: tag.local, text: '' };
        }
        return;
      }
      stack.push({ tag, text: null });
    },
    close(tag, emit) {
      const closed = stack.pop();
      const f = feature;
      if (!f || !closed) return;
      if (closed.text !== null) {
        const id = ID_NAMES[tag.local]!;
        f.ids[id].push(closed.text);
        // An identifier nested in another keeps counting toward its parent's string-value.
        const parent = stack.at(-1);
        if (parent && parent.text !== null) parent.text += closed.text;
      }
      const geometry = f.geometry;
      if (geometry && tag.uri === GML_NAMESPACE) {
        if (f.coordinateText && (tag.local === 'coordinates' || tag.local === 'posList' || tag.local === 'pos')) {
          geometry.current.push(`${f.coordinateText.kind}\u0000${f.coordinateText.text}`);
          f.coordinateText = null;
        }
        if (tag.local === 'polygonMember' && geometry.type === 'MultiPolygon') {
          geometry.members.push(geometry.current);
          geometry.current = [];
        }
      }
      if (geometry && stack.length + 1 === geometry.depth) {
        f.done = buildGeometry(geometry, fileName);
        f.geometry = null;
      }
      if (stack.length === f.depth) {
        emit({ index: f.index, line: f.line, match: chooseIdentifier(f.ids), name: f.ids.name[0] ?? null, geometry: f.done });
        feature = null;
      }
    },
    text(text) {
      for (let i = stack.length - 1; i >= 0; i--) {
        const open = stack[i]!;
        if (open.text !== null) {
          open.text += text;
          break;
        }
      }
      if (feature?.coordinateText) feature.coordinateText.text += text;
    },
  });
  if (!sawRoot) throw new FormatError('EMPTY_FILE', `${at(fileName)} holds no XML element.`, { file: fileName });
}

function checkRoot(tag: SaxesTagNS, line: number, fileName: string): void {
  const declared = Object.values(tag.ns ?? {});
  if (declared.includes(GML_NAMESPACE) || tag.uri === GML_NAMESPACE) return;
  const gml3 = declared.find((uri) => uri.startsWith(`${GML_NAMESPACE}/`));
  const why = gml3
    ? `it uses the GML namespace ${gml3}, but DHIS2 reads GML 2 only (namespace ${GML_NAMESPACE}). Export it again as GML 2, or as GeoJSON.`
    : `it does not declare the GML namespace ${GML_NAMESPACE}, so DHIS2 would find no features in it.`;
  throw new FormatError('NOT_GML', `${at(fileName, line)}: ${why}`, { file: fileName, line });
}

/** `$uid != ''` is true when any uid element is non-empty; `value-of` then takes the first one's text. */
function chooseIdentifier(ids: Record<Id, string[]>): GmlFeatureRecord['match'] {
  if (ids.uid.some((v) => v !== '')) return { by: 'id', value: ids.uid[0]! };
  if (ids.code.some((v) => v !== '')) return { by: 'code', value: ids.code[0]! };
  if (ids.name.some((v) => v !== '')) return { by: 'name', value: ids.name[0]! };
  return null;
}

function buildGeometry(geometry: NonNullable<Feature['geometry']>, fileName: string): GmlFeatureRecord['geometry'] {
  const rings = (texts: string[], precision: number) => {
    // The stylesheet writes every gml:coordinates first, then every gml:posList.
    const ordered = [...texts.filter((t) => t.startsWith('coordinates')), ...texts.filter((t) => t.startsWith('posList'))];
    return ordered.map((t) => positions(t, precision, fileName));
  };
  if (geometry.type === 'Point') {
    const point = [...geometry.current.filter((t) => t.startsWith('coordinates')), ...geometry.current.filter((t) => t.startsWith('pos\u0000'))]
      .map((t) => positions(t, POINT_PRECISION, fileName))
      .flat();
    return { type: 'Point', coordinates: point[0] ?? [] };
  }
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: rings(geometry.current, POLYGON_PRECISION) };
  return { type: 'MultiPolygon', coordinates: geometry.members.map((member) => rings(member, POLYGON_PRECISION)) };
}

/** GmlConversionUtils: gmlCoordinatesToString / gmlPosListToString / gmlPosToString. */
function positions(tagged: string, precision: number, fileName: string): number[][] {
  const [kind, raw] = tagged.split('\u0000') as [string, string];
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return [];
  if (kind === 'coordinates')
    return text.split(' ').map((pair) =>
      pair
        .split(',')
        .map((n) => round(n, precision, fileName))
        .slice(0, 2),
    );
  const numbers = text.split(' ');
  if (kind === 'pos') return numbers.length < 2 ? [] : [[round(numbers[0]!, precision, fileName), round(numbers.slice(1).join(' '), precision, fileName)]];
  if (numbers.length % 2 !== 0) return []; // "Badly formed gml:posList": DHIS2 drops it
  const out: number[][] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push([round(numbers[i]!, precision, fileName), round(numbers[i + 1]!, precision, fileName)]);
  return out;
}

/**
 * NumberFormat.parse reads the longest number at the start and ignores the rest; nothing numeric fails the
 * whole transformation on the server. Rounding is half away from zero, as Precision.round does.
 */
function round(text: string, precision: number, fileName: string): number {
  const match = /^[-+]?(?:\d[\d,]*)?(?:\.\d+)?(?:E[-+]?\d+)?/.exec(text.trim());
  const value = match && /\d/.test(match[0]) ? Number(match[0].replace(/,/g, '')) : NaN;
  if (!Number.isFinite(value)) {
    throw new FormatError('GML_COORDINATE', `${at(fileName)}: "${text.slice(0, 40)}" is not a coordinate; DHIS2 would refuse the whole file (E7010).`, {
      file: fileName,
    });
  }
  const factor = 10 ** precision;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}
