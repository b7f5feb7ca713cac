import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ATTRIBUTE_FLAGS, METADATA_TYPES, isMetadataType, type MetadataType, type MetadataUser } from '../model';
import type { MetadataContent } from '../index';

/**
 * A stand-in for the DHIS2 collection endpoints the metadata sync calls, for tests written before
 * the simulator in e2e/dhis2-sim had them: /api/system/info, /api/me and /api/<type> with paging,
 * `order=id:asc` and gzip. It serves records in DHIS2's JSON shape (references as {"id": ...}).
 */
export interface FakeRequest {
  path: string;
  collection: string | null;
  page: number | null;
  pageSize: number | null;
  fields: string | null;
  acceptsGzip: boolean;
}

export interface FakeDhis2 {
  readonly url: string;
  readonly requests: FakeRequest[];
  /** Holds requests for this page until `release` (to catch a sync in the middle). */
  hold(collection: MetadataType, page: number): { reached: Promise<void>; release(): void };
  /** Replaces the items of one page (to send something DHIS2 would not). */
  corrupt(collection: MetadataType, page: number, items: unknown[]): void;
  close(): Promise<void>;
}

export async function startFakeDhis2(content: MetadataContent, version = '2.41.3'): Promise<FakeDhis2> {
  const requests: FakeRequest[] = [];
  const holds = new Map<string, { reached: () => void; released: Promise<void>; release: () => void }>();
  const corrupted = new Map<string, unknown[]>();
  const collections = new Map<MetadataType, Record<string, unknown>[]>();
  for (const type of METADATA_TYPES) {
    collections.set(
      type,
      [...content.records[type]]
        .map((record) => toDhis2(type, record as unknown as Record<string, unknown>))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    );
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/(\d+\/)?/, '/api/');
    const collection = path.startsWith('/api/') ? path.slice(5) : null;
    const page = url.searchParams.has('page') ? Number(url.searchParams.get('page')) : null;
    const pageSize = url.searchParams.has('pageSize') ? Number(url.searchParams.get('pageSize')) : null;
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    requests.push({ path, collection, page, pageSize, fields: url.searchParams.get('fields'), acceptsGzip });

    const send = (status: number, body: unknown, type = 'application/json') => {
      const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const gzip = acceptsGzip && type === 'application/json';
      res.writeHead(status, { 'Content-Type': type, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(raw) : raw);
    };

    if (path === '/api/system/ping') return send(200, 'pong', 'text/plain');
    if (path === '/api/system/info') return send(200, { version, revision: 'fake', systemName: 'Fake DHIS2' });
    if (path === '/api/me') return send(200, meOf(content.user));
    if (collection && isMetadataType(collection)) {
      const key = `${collection}:${page ?? 1}`;
      const hold = holds.get(key);
      if (hold) {
        hold.reached();
        await hold.released;
      }
      const all = collections.get(collection)!;
      const size = url.searchParams.get('paging') === 'false' ? Math.max(1, all.length) : (pageSize ?? 50);
      const current = page ?? 1;
      const pageCount = Math.max(1, Math.ceil(all.length / size));
      const items = corrupted.get(key) ?? all.slice((current - 1) * size, current * size);
      return send(200, { pager: { page: current, pageCount, total: all.length, pageSize: size }, [collection]: items });
    }
    send(404, { httpStatus: 'Not Found', httpStatusCode: 404, status: 'ERROR', message: `No handler found for GET ${path}` });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hold(collection, page) {
      let reached!: () => void;
      let release!: () => void;
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(`${collection}:${page}`, { reached, released, release });
      return {
        reached: reachedPromise,
        release: () => {
          holds.delete(`${collection}:${page}`);
          release();
        },
      };
    },
    corrupt(collection, page, items) {
      corrupted.set(`${collection}:${page}`, items);
    },
    async close() {
      for (const hold of holds.values()) hold.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const REF_FIELDS = new Set(['parent', 'categoryCombo', 'optionSet']);
const REF_LIST_FIELDS = new Set(['organisationUnits', 'categories', 'categoryOptionCombos', 'categoryOptions', 'dataViewOrganisationUnits']);

/** A model record back in DHIS2's wire shape. */
export function toDhis2(type: MetadataType, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null) continue; // DHIS2 leaves nulls out
    if (REF_FIELDS.has(key)) out[key] = { id: value };
    else if (REF_LIST_FIELDS.has(key)) out[key] = (value as string[]).map((id) => ({ id }));
    else if (key === 'attributeValues')
      out[key] = (value as { attribute: string; value: string }[]).map((v) => ({ attribute: { id: v.attribute }, value: v.value }));
    else if (key === 'dataSetElements') {
      out[key] = (value as { dataElement: string; categoryCombo: string | null }[]).map((element) => ({
        dataElement: { id: element.dataElement },
        ...(element.categoryCombo ? { categoryCombo: { id: element.categoryCombo } } : {}),
      }));
    } else if (key === 'dataInputPeriods') {
      out[key] = (value as { period: string }[]).map((period) => ({ ...period, period: { id: period.period } }));
    } else if (type === 'attributes' && key === 'appliesTo') {
      for (const applied of value as MetadataType[]) out[ATTRIBUTE_FLAGS[applied].flag] = true;
    } else out[key] = value;
  }
  return out;
}

function meOf(user: MetadataUser | null): Record<string, unknown> {
  const me = user ?? { id: 'M5zQapPyTZI', username: 'admin', name: 'Admin', organisationUnits: [], dataViewOrganisationUnits: [], authorities: ['ALL'] };
  return {
    id: me.id,
    username: me.username,
    name: me.name,
    displayName: me.name,
    authorities: me.authorities,
    organisationUnits: me.organisationUnits.map((id) => ({ id })),
    dataViewOrganisationUnits: me.dataViewOrganisationUnits.map((id) => ({ id })),
  };
}
