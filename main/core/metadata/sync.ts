import { z } from 'zod';
import type { SyncMetadataParams } from '../../../shared/job-kinds';
import type { MetadataSnapshot } from '../../../shared/contract';
import { JobFailure, type JobContext, type KindPlugin } from '../jobs/plugin';
import type { Dhis2Client } from '../dhis2/client';
import {
  MeSchema,
  RECORD_SCHEMAS,
  ReferenceRecordSchema,
  SNAPSHOT_KINDS,
  describeIssues,
  isMetadataType,
  kindLabel,
  referenceKindFields,
  type MetadataType,
  type MetadataUser,
  type ReferenceKind,
  type SnapshotKind,
} from './model';
import type { MetadataStore, SnapshotBuilder, SnapshotRecords } from './store';
import { Dhis2Error } from '../dhis2/errors';
import { validationGaps } from './gaps';

const REF = 'id';
const ATTRIBUTE_VALUES = 'attributeValues[value,attribute[id]]';

/** Only what the model reads: a national org unit tree is large enough without geometry and sharing. */
export const SYNC_FIELDS: Record<MetadataType, string> = {
  attributes: [
    'id,name,code,valueType,unique,objectTypes',
    'dataElementAttribute,organisationUnitAttribute,categoryOptionComboAttribute,dataSetAttribute',
    'categoryOptionAttribute,categoryAttribute,categoryComboAttribute,optionSetAttribute',
  ].join(','),
  categoryOptions: `id,name,shortName,code,startDate,endDate,organisationUnits[${REF}],${ATTRIBUTE_VALUES}`,
  categories: `id,name,shortName,code,dataDimensionType,categoryOptions[${REF}],${ATTRIBUTE_VALUES}`,
  categoryCombos: `id,name,code,dataDimensionType,isDefault,categories[${REF}],categoryOptionCombos[${REF}],${ATTRIBUTE_VALUES}`,
  categoryOptionCombos: `id,name,code,categoryCombo[${REF}],categoryOptions[${REF}],${ATTRIBUTE_VALUES}`,
  optionSets: `id,name,code,valueType,options[id,code,name,sortOrder],${ATTRIBUTE_VALUES}`,
  dataElements: `id,name,shortName,code,valueType,domainType,aggregationType,zeroIsSignificant,optionSet[${REF}],categoryCombo[${REF}],${ATTRIBUTE_VALUES}`,
  dataSets: [
    'id,name,shortName,code,periodType,expiryDays,openFuturePeriods,timelyDays',
    `categoryCombo[${REF}],dataInputPeriods[period[id],openingDate,closingDate]`,
    `dataSetElements[dataElement[${REF}],categoryCombo[${REF}]],organisationUnits[${REF}],${ATTRIBUTE_VALUES}`,
  ].join(','),
  organisationUnits: `id,name,shortName,code,path,level,parent[${REF}],openingDate,closedDate,${ATTRIBUTE_VALUES}`,
};

/**
 * Data sets and category options carry their org unit lists: on a national server one data set
 * can name ten thousand. Fewer of them per page keeps each answer small on a clinic's link.
 */
const PAGE_SIZE_CAP: Partial<Record<SnapshotKind, number>> = { dataSets: 20, categoryOptions: 200 };
/** A page is a big answer on a slow link; the ping timeout the client has would cut it off. */
const PAGE_TIMEOUT_MS = 180_000;

export const ME_FIELDS = 'id,username,name,displayName,authorities,organisationUnits[id],dataViewOrganisationUnits[id]';

/** The fields asked for per kind: the modelled types' own, and id, name, code (and what is unique) for the rest. */
export function syncFields(kind: SnapshotKind): string {
  return isMetadataType(kind) ? SYNC_FIELDS[kind] : referenceKindFields(kind);
}

/** What a resumed sync starts from: finished types are never fetched again. */
export interface SyncCheckpoint {
  snapshotId: string;
  version: string | null;
  /** Kinds fetched whole (and held); a checkpoint of an older version lists only modelled types. */
  done: SnapshotKind[];
  /** Kinds the server would not list for this user: not held, so their references are not judged offline. */
  refused?: ReferenceKind[];
  user: MetadataUser | null;
  userDone: boolean;
}

export interface SyncResult {
  snapshotId: string;
  version: string | null;
  counts: Record<string, number>;
}

export interface SyncMetadataDeps {
  store: MetadataStore;
  /** A new snapshot is in use for this server. */
  onSwapped(serverId: string, snapshot: MetadataSnapshot): void;
}

const STEPS = SNAPSHOT_KINDS.length + 1;

/**
 * The `sync-metadata` job: pages through each collection endpoint into a snapshot being built,
 * with a checkpoint per finished type, and swaps the snapshot in only once every type is in.
 */
export function createSyncMetadataJob(deps: SyncMetadataDeps): KindPlugin<'sync-metadata'> {
  return {
    type: 'sync-metadata',
    needsServer: () => true,
    title: () => 'Metadata sync',
    run: (ctx) => runSync(ctx, deps),
  };
}

async function runSync(ctx: JobContext<SyncMetadataParams>, deps: SyncMetadataDeps): Promise<SyncResult> {
  const { store } = deps;
  const serverId = ctx.job.serverId;
  if (!serverId) throw new JobFailure('fix', 'NO_SERVER', 'No DHIS2 server is set up. Add one on the Servers page.');
  const client = await ctx.server();

  let checkpoint = ctx.checkpoint<SyncCheckpoint>();
  if (checkpoint && store.stateOf(checkpoint.snapshotId) === 'active') {
    // The swap committed but the app stopped before the job was marked done.
    return resultOf(store.get(checkpoint.snapshotId)!);
  }
  let builder = checkpoint ? store.resume(checkpoint.snapshotId) : null;
  if (!builder || !checkpoint) {
    if (checkpoint) ctx.log('warn', 'The partly synced copy from the last attempt is gone; starting again.');
    builder = store.begin({ serverId, source: 'server', label: client.options.baseUrl, jobId: ctx.job.id });
    store.discardBuilding(serverId, builder.id);
    checkpoint = { snapshotId: builder.id, version: null, done: [], user: null, userDone: false };
    ctx.saveCheckpoint(checkpoint, { done: 0, total: STEPS, message: 'Starting' });
  } else if (checkpoint.done.length > 0) {
    ctx.log('info', `Continuing: ${checkpoint.done.map((type) => kindLabel(type).many).join(', ')} already synced.`);
  }

  if (checkpoint.version === null) {
    const info = await client.systemInfo(ctx.signal);
    checkpoint = { ...checkpoint, version: info.version };
    ctx.saveCheckpoint(checkpoint, undefined, `Server runs DHIS2 ${info.version}.`);
  }

  for (const type of SNAPSHOT_KINDS) {
    const refused: ReferenceKind[] = checkpoint.refused ?? [];
    if (checkpoint.done.includes(type) || (refused as SnapshotKind[]).includes(type)) continue;
    const step = checkpoint.done.length + refused.length;
    const label = capitalise(kindLabel(type).many);
    let total: number;
    try {
      total = await fetchType(ctx, client, builder, type, step);
    } catch (error) {
      // A kind kept only for references may be closed to this user; the copy is still good without it.
      if (isMetadataType(type) || !(error instanceof Dhis2Error) || (error.status !== 403 && error.status !== 404)) throw error;
      builder.clearType(type);
      checkpoint = { ...checkpoint, refused: [...refused, type] };
      ctx.saveCheckpoint(
        checkpoint,
        { done: step + 1, total: STEPS, message: `${label}: not listed for this user` },
        `${label}: the server would not list them for this user (${error.status}), so references to them cannot be checked offline.`,
      );
      continue;
    }
    builder.markHeld([type]);
    checkpoint = { ...checkpoint, done: [...checkpoint.done, type] };
    ctx.saveCheckpoint(checkpoint, { done: step + 1, total: STEPS, message: `${label}: ${total} synced` }, `${label}: ${total} synced.`);
  }

  if (!checkpoint.userDone) {
    ctx.progress(SNAPSHOT_KINDS.length, STEPS, 'The signed-in user');
    const body = await client.getJson('/me', z.unknown(), ctx.signal, { fields: ME_FIELDS });
    const me = MeSchema.safeParse(body);
    if (!me.success)
      throw new JobFailure('fatal', 'METADATA_PAGE_INVALID', `The server's answer for /api/me is not what DHIS2 sends: ${describeIssues(me.error)}.`);
    checkpoint = { ...checkpoint, user: me.data, userDone: true };
    ctx.saveCheckpoint(checkpoint, { done: STEPS, total: STEPS, message: 'All metadata in' }, `Signed in as ${me.data.username}.`);
  }

  // A sync begun by an older version wrote no record of the kinds it finished.
  builder.markHeld(checkpoint.done);
  const counts = builder.counts();
  const refusedNotes = (checkpoint.refused ?? []).map(
    (kind) => `The server would not list ${kindLabel(kind).many} for this user: references to them cannot be checked offline.`,
  );
  const snapshot = builder.finish({
    version: checkpoint.version,
    takenAt: null,
    user: checkpoint.user,
    notes: [...validationGaps(counts, 'server', checkpoint.user !== null), ...refusedNotes],
  });
  ctx.log('info', 'The new metadata copy is in use.');
  deps.onSwapped(serverId, snapshot);
  return resultOf(snapshot);
}

/** Every page of one collection; a page that does not parse stops the sync and names itself. */
async function fetchType<T extends SnapshotKind>(
  ctx: JobContext<SyncMetadataParams>,
  client: Dhis2Client,
  builder: SnapshotBuilder,
  type: T,
  step: number,
): Promise<number> {
  builder.clearType(type);
  const label = kindLabel(type);
  const record = (isMetadataType(type) ? RECORD_SCHEMAS[type] : ReferenceRecordSchema) as z.ZodType<SnapshotRecords[T]>;
  const schema = z.array(record);
  const pageSize = Math.min(ctx.params.pageSize, PAGE_SIZE_CAP[type] ?? Number.MAX_SAFE_INTEGER);
  let page = 1;
  let pageCount = 1;
  let total = 0;
  do {
    ctx.progress(step + (page - 1) / pageCount, STEPS, `${capitalise(label.many)}: page ${page}${pageCount > 1 ? ` of ${pageCount}` : ''}`);
    const answer = await client.getPage(
      `/${type}`,
      { fields: syncFields(type), paging: 'true', pageSize: String(pageSize), page: String(page), order: 'id:asc' },
      type,
      ctx.signal,
      PAGE_TIMEOUT_MS,
    );
    const parsed = schema.safeParse(answer.items);
    if (!parsed.success) {
      throw new JobFailure(
        'fatal',
        'METADATA_PAGE_INVALID',
        `The server's answer for ${label.many}, page ${page}${pageCount > 1 ? ` of ${pageCount}` : ''}, is not what DHIS2 sends: ${describeIssues(parsed.error, type)}.`,
      );
    }
    builder.putAll(type, parsed.data);
    total += parsed.data.length;
    pageCount = answer.pager?.pageCount ?? 1;
    page += 1;
  } while (page <= pageCount);
  return total;
}

function resultOf(snapshot: MetadataSnapshot): SyncResult {
  return { snapshotId: snapshot.id, version: snapshot.version, counts: snapshot.counts };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
