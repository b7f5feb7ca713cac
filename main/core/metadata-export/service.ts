import { z } from 'zod';
import {
  DEPENDENCY_TYPE_LABELS,
  type DependencyObjectType,
  type MetadataExportTypeList,
  type PickableObject,
  type PickableObjectList,
} from '../../../shared/metadata-export';
import type { ServerProfile } from '../../../shared/servers';
import type { CoreParts } from '../core-parts';
import type { SettingsRepo } from '../db/settings-repo';
import type { Dhis2Client } from '../dhis2/client';
import type { MetadataIndex } from '../metadata/index';
import { listMetadata } from '../metadata/list';
import { BUILT_IN_SCHEMAS, SchemasResponse, exportableSchemas, groupTypes } from './schema-types';

export interface MetadataExportServiceDeps {
  servers: { list(): ServerProfile[]; get(id: string): ServerProfile; clientFor(id: string, timeoutMs?: number): Promise<Dhis2Client> };
  /** True/false once the ping monitor has checked; null before. */
  isOnline(serverId: string): boolean | null;
  settings: Pick<SettingsRepo, 'getInternal' | 'setInternal'>;
  indexFor(serverId?: string | null): MetadataIndex | null;
  now?: () => Date;
}

/** A page waits for this list: better an older copy soon than a fresh one late. */
const LOOKUP_TIMEOUT_MS = 15_000;

/** Types the offline metadata snapshot holds; the others are listed from the server (and remembered). */
const IN_SNAPSHOT: ReadonlySet<DependencyObjectType> = new Set(['dataSets', 'categoryCombos', 'optionSets']);

const CachedTypes = z.object({ fetchedAt: z.string(), types: z.array(z.object({ plural: z.string(), displayName: z.string(), klass: z.string() })) });
const ListedFromServer = z.object({
  id: z.string(),
  displayName: z.string().nullish(),
  name: z.string().nullish(),
  code: z.string().nullish(),
  programType: z.string().nullish(),
});
const CachedObjects = z.object({
  fetchedAt: z.string(),
  objects: z.array(z.object({ id: z.string(), name: z.string().nullable(), code: z.string().nullable(), detail: z.string().nullable() })),
});

/**
 * What the Metadata export pages list: the server's object types, and the objects a dependency
 * export can start from. Asked of the server when it answers, remembered per server, so an office
 * laptop without a connection still offers the last list it saw.
 */
export class MetadataExportService {
  constructor(private readonly deps: MetadataExportServiceDeps) {}

  async types(serverId?: string | null): Promise<MetadataExportTypeList> {
    const server = this.server(serverId);
    const builtIn = (note: string): MetadataExportTypeList => ({ source: 'built-in', fetchedAt: null, types: groupTypes(BUILT_IN_SCHEMAS), note });
    if (!server) return builtIn('No server is set up: these are the object types of DHIS2 2.41.');
    let failure: string | null = null;
    if (this.deps.isOnline(server.id) !== false) {
      try {
        const client = await this.deps.servers.clientFor(server.id, LOOKUP_TIMEOUT_MS);
        const answer = await client.getJson('/schemas', SchemasResponse, undefined, { fields: 'metadata,collectionName,displayName,klass' });
        const entries = exportableSchemas(answer);
        if (entries.length > 0) {
          const fetchedAt = this.now();
          this.deps.settings.setInternal(typesKey(server.id), JSON.stringify({ fetchedAt, types: entries }));
          return { source: 'server', fetchedAt, types: groupTypes(entries), note: null };
        }
        failure = `${server.name} listed no metadata types.`;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    const cached = this.cached(typesKey(server.id), CachedTypes);
    const why = failure ?? `${server.name} cannot be reached right now.`;
    if (cached) {
      return {
        source: 'cache',
        fetchedAt: cached.fetchedAt,
        types: groupTypes(cached.types),
        note: `${why} These are the types it listed on ${cached.fetchedAt.slice(0, 10)}.`,
      };
    }
    return builtIn(`${why} These are the object types of DHIS2 2.41; the server's own list replaces them once it answers.`);
  }

  /**
   * Objects to start a dependency export from, matching `query` by name, code or id. Data sets,
   * category combos and option sets come from the offline metadata; programs, dashboards and data
   * element groups from the server, whose last list is kept for when it cannot be reached.
   */
  async objects(input: { serverId?: string | null; type: DependencyObjectType; query?: string; limit: number }): Promise<PickableObjectList> {
    const { type, limit } = input;
    const label = DEPENDENCY_TYPE_LABELS[type];
    if (IN_SNAPSHOT.has(type)) {
      const index = this.deps.indexFor(input.serverId);
      if (index) {
        return {
          source: 'offline-metadata',
          fetchedAt: index.snapshot?.takenAt ?? null,
          objects: listMetadata(index, type as 'dataSets' | 'categoryCombos' | 'optionSets', input.query, limit),
          note: null,
        };
      }
    }
    const server = this.server(input.serverId);
    if (!server)
      return { source: 'none', fetchedAt: null, objects: [], note: `No server is set up and no offline metadata is loaded: type the id of the ${label.one}.` };
    let failure: string | null = null;
    if (this.deps.isOnline(server.id) !== false) {
      try {
        const all = await this.fetchObjects(server.id, type);
        const fetchedAt = this.now();
        this.deps.settings.setInternal(objectsKey(server.id, type), JSON.stringify({ fetchedAt, objects: all }));
        return { source: 'server', fetchedAt, objects: filterObjects(all, input.query, limit), note: null };
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    const why = failure ?? `${server.name} cannot be reached right now.`;
    const cached = this.cached(objectsKey(server.id, type), CachedObjects);
    if (cached) {
      return {
        source: 'cache',
        fetchedAt: cached.fetchedAt,
        objects: filterObjects(cached.objects, input.query, limit),
        note: `${why} This is the list it gave on ${cached.fetchedAt.slice(0, 10)}.`,
      };
    }
    const where = IN_SNAPSHOT.has(type) ? 'no offline metadata is loaded' : `${label.many.toLowerCase()} are not part of the offline metadata`;
    return { source: 'none', fetchedAt: null, objects: [], note: `${why} And ${where}: type the 11-character id of the ${label.one}.` };
  }

  private async fetchObjects(serverId: string, type: DependencyObjectType): Promise<PickableObject[]> {
    const client = await this.deps.servers.clientFor(serverId, LOOKUP_TIMEOUT_MS);
    const detail = type === 'programs' ? ',programType' : '';
    const answer = await client.getPage(`/${type}`, { fields: `id,displayName,name,code${detail}`, paging: 'false' }, type);
    const out: PickableObject[] = [];
    for (const item of answer.items) {
      const parsed = ListedFromServer.safeParse(item);
      if (!parsed.success) continue;
      const kind =
        parsed.data.programType === 'WITH_REGISTRATION' ? 'tracker program' : parsed.data.programType === 'WITHOUT_REGISTRATION' ? 'event program' : null;
      out.push({ id: parsed.data.id, name: parsed.data.displayName ?? parsed.data.name ?? null, code: parsed.data.code ?? null, detail: kind });
    }
    return out.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
  }

  private server(serverId: string | null | undefined): ServerProfile | null {
    if (serverId) return this.deps.servers.get(serverId);
    if (serverId === null) return null;
    return this.deps.servers.list().find((server) => server.isDefault) ?? null;
  }

  private cached<S extends z.ZodType>(key: string, schema: S): z.output<S> | null {
    const raw = this.deps.settings.getInternal(key);
    if (raw === null) return null;
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}

function typesKey(serverId: string): string {
  return `metadata-export:types:${serverId}`;
}

function objectsKey(serverId: string, type: DependencyObjectType): string {
  return `metadata-export:objects:${serverId}:${type}`;
}

function filterObjects(all: readonly PickableObject[], query: string | undefined, limit: number): PickableObject[] {
  const needle = query?.trim().toLowerCase() ?? '';
  const out: PickableObject[] = [];
  for (const o of all) {
    if (out.length >= limit) break;
    if (needle === '' || o.id.toLowerCase() === needle || (o.name ?? '').toLowerCase().includes(needle) || (o.code ?? '').toLowerCase().includes(needle))
      out.push(o);
  }
  return out;
}

/** The service over a core's servers, ping states, settings and offline metadata. */
export function metadataExportServiceOf(core: Pick<CoreParts, 'servers' | 'connectivity' | 'settings' | 'metadata'>): MetadataExportService {
  return new MetadataExportService({
    servers: core.servers,
    isOnline: (serverId) => core.connectivity.isOnline(serverId),
    settings: core.settings,
    indexFor: (serverId) => core.metadata.indexFor(serverId),
  });
}
