import type { CreateJobInput, JobCounts, RecreateJobResult } from '@shared/contract';
import { ACTIVE_STATES, JOB_TYPES, WAITING_STATES, type Job, type JobLogEntry, type JobState, type JobType } from '@shared/jobs';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';
import { compareNewestFirst, isActive, isTerminal } from '@/lib/jobs';
import { useNotifyStore } from './notify';

const PAGE_SIZE = 200;
// Several jobs changing state at once (a queue flushing) should cost one counts call, not twenty.
const COUNTS_DEBOUNCE_MS = 300;

type CountsBucket = Exclude<keyof JobCounts, 'total'>;

function countsBucket(state: JobState): CountsBucket | null {
  if (isActive(state)) return 'active';
  if (state === 'queued' || state === 'waiting-for-connection') return 'waiting';
  if (state === 'needs-attention') return 'needsAttention';
  if (state === 'failed' || state === 'done') return state;
  return null;
}

function mergeLog(existing: readonly JobLogEntry[], incoming: readonly JobLogEntry[]): JobLogEntry[] {
  const bySeq = new Map<number, JobLogEntry>();
  for (const entry of existing) bySeq.set(entry.seq, entry);
  for (const entry of incoming) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The durable job list as the page sees it. Main owns the truth; this store loads pages of it and
 * then follows `job.changed` / `job.log` events, patching rows in place instead of reloading.
 */
export const useJobsStore = defineStore('jobs', () => {
  const notify = useNotifyStore();

  // --- Job overview list (newest first, filtered by type) ---
  const items = shallowRef<Job[]>([]);
  const total = ref(0);
  const typeFilter = ref<JobType[]>([...JOB_TYPES]);
  const listLoaded = ref(false);
  const listLoading = ref(false);
  const listError = ref<UserError | null>(null);
  let listRequest = 0;

  // --- Jobs looked up one by one (a link to a job outside the loaded page) ---
  const extra = shallowRef<Record<string, Job>>({});

  // --- Unfinished jobs, for the summary bar on every page ---
  const live = shallowRef<Job[]>([]);
  const counts = ref<JobCounts | null>(null);
  const knownStates = new Map<string, JobState>();
  let countsTimer: ReturnType<typeof setTimeout> | null = null;

  // --- Log of the one job whose details are open ---
  const logJobId = ref<string | null>(null);
  const logEntries = shallowRef<JobLogEntry[]>([]);
  const logLoading = ref(false);
  const logError = ref<UserError | null>(null);

  let unsubscribers: Array<() => void> | null = null;

  const allTypesSelected = computed(() => typeFilter.value.length === JOB_TYPES.length);
  const hasMore = computed(() => items.value.length < total.value);

  const activeJobs = computed(() => live.value.filter((job) => isActive(job.state)));
  /** The live set is only a first page; its breakdown is trustworthy only when it is complete. */
  const liveComplete = computed(() => {
    const c = counts.value;
    return c !== null && live.value.length === c.active + c.waiting;
  });
  const queuedCount = computed(() => live.value.filter((job) => job.state === 'queued').length);
  const waitingForConnectionCount = computed(() => live.value.filter((job) => job.state === 'waiting-for-connection').length);

  function matchesFilter(job: Job): boolean {
    return typeFilter.value.includes(job.type);
  }

  function remember(jobs: readonly Job[]) {
    for (const job of jobs) knownStates.set(job.id, job.state);
  }

  function find(id: string | null | undefined): Job | undefined {
    if (!id) return undefined;
    return items.value.find((job) => job.id === id) ?? live.value.find((job) => job.id === id) ?? extra.value[id];
  }

  // ---------------------------------------------------------------- list

  async function loadList() {
    const request = ++listRequest;
    if (typeFilter.value.length === 0) {
      items.value = [];
      total.value = 0;
      listLoaded.value = true;
      listError.value = null;
      return;
    }
    listLoading.value = true;
    try {
      const result = await api.call('jobs.list', {
        types: allTypesSelected.value ? undefined : [...typeFilter.value],
        limit: PAGE_SIZE,
        offset: 0,
      });
      if (request !== listRequest) return;
      remember(result.jobs);
      items.value = [...result.jobs].sort(compareNewestFirst);
      total.value = result.total;
      listError.value = null;
      listLoaded.value = true;
    } catch (err) {
      if (request === listRequest) listError.value = toUserError(err);
    } finally {
      if (request === listRequest) listLoading.value = false;
    }
  }

  async function loadMore() {
    if (listLoading.value || !hasMore.value) return;
    const request = ++listRequest;
    listLoading.value = true;
    try {
      const result = await api.call('jobs.list', {
        types: allTypesSelected.value ? undefined : [...typeFilter.value],
        limit: PAGE_SIZE,
        offset: items.value.length,
      });
      if (request !== listRequest) return;
      remember(result.jobs);
      // New jobs may have been added on top since the first page, shifting the offset: drop repeats.
      const seen = new Set(items.value.map((job) => job.id));
      items.value = [...items.value, ...result.jobs.filter((job) => !seen.has(job.id))].sort(compareNewestFirst);
      total.value = result.total;
      listError.value = null;
    } catch (err) {
      if (request === listRequest) listError.value = toUserError(err);
    } finally {
      if (request === listRequest) listLoading.value = false;
    }
  }

  async function setTypeFilter(types: readonly JobType[]) {
    typeFilter.value = JOB_TYPES.filter((type) => types.includes(type));
    await loadList();
  }

  async function fetchJob(id: string): Promise<Job> {
    const job = await api.call('jobs.get', { id });
    applyJob(job);
    if (!find(id)) extra.value = { ...extra.value, [id]: job };
    return job;
  }

  // ---------------------------------------------------------------- live updates

  function placeInList(job: Job) {
    const list = items.value;
    const index = list.findIndex((item) => item.id === job.id);
    if (index !== -1) {
      if (matchesFilter(job)) items.value = list.with(index, job);
      return;
    }
    if (!listLoaded.value || !matchesFilter(job)) return;
    const last = list.at(-1);
    // Only jobs inside the loaded stretch of the list go in; older ones arrive with "Show older jobs".
    const withinLoaded = list.length >= total.value || (last !== undefined && compareNewestFirst(job, last) < 0);
    if (!withinLoaded) return;
    const at = list.findIndex((item) => compareNewestFirst(job, item) < 0);
    const next = [...list];
    next.splice(at === -1 ? next.length : at, 0, job);
    items.value = next;
    total.value += 1;
  }

  function placeInLive(job: Job) {
    const others = live.value.filter((item) => item.id !== job.id);
    live.value = isTerminal(job.state) ? others : [...others, job].sort(compareNewestFirst);
  }

  /** Every fresh copy of a job, from an event or from a call, goes through here. */
  const latestUpdate = new Map<string, string>();

  function applyJob(job: Job) {
    // A call's answer and the event stream race: an answer can arrive after a newer event about
    // the same job (cancel answers "running" while the "cancelled" event is already here).
    const newest = latestUpdate.get(job.id);
    if (newest !== undefined && job.updatedAt < newest) return;
    latestUpdate.set(job.id, job.updatedAt);
    const previous = knownStates.get(job.id);
    knownStates.set(job.id, job.state);
    placeInList(job);
    const wasLive = live.value.some((item) => item.id === job.id);
    if (wasLive || !isTerminal(job.state)) placeInLive(job);
    if (extra.value[job.id]) extra.value = { ...extra.value, [job.id]: job };
    // Progress ticks leave the counts alone; only a change of state moves a job between them.
    if (previous !== job.state) {
      moveInCounts(previous, job.state);
      scheduleCountsRefresh();
    }
  }

  /** Adjusts the counts at once so the summary bar never lags the list; the refresh that follows has the last word. */
  function moveInCounts(from: JobState | undefined, to: JobState) {
    const current = counts.value;
    if (!current) return;
    const next = { ...current };
    const fromBucket = from === undefined ? null : countsBucket(from);
    const toBucket = countsBucket(to);
    if (fromBucket) next[fromBucket] = Math.max(0, next[fromBucket] - 1);
    if (toBucket) next[toBucket] += 1;
    if (from === undefined) next.total += 1;
    counts.value = next;
  }

  function applyLog(entry: JobLogEntry) {
    if (entry.jobId !== logJobId.value) return;
    const entries = logEntries.value;
    const last = entries.at(-1);
    if (last === undefined || entry.seq > last.seq) {
      // A new array, not push(): the log table receives it as a prop and only sees a new reference.
      logEntries.value = [...entries, entry];
    } else {
      logEntries.value = mergeLog(entries, [entry]);
    }
  }

  // ---------------------------------------------------------------- summary

  async function refreshCounts() {
    try {
      counts.value = await api.call('jobs.counts', {});
    } catch (err) {
      notify.error(err, 'Could not count the jobs');
    }
  }

  function scheduleCountsRefresh() {
    if (countsTimer !== null) return;
    countsTimer = setTimeout(() => {
      countsTimer = null;
      void refreshCounts();
    }, COUNTS_DEBOUNCE_MS);
  }

  async function loadLive() {
    try {
      const result = await api.call('jobs.list', {
        states: [...ACTIVE_STATES, ...WAITING_STATES],
        limit: PAGE_SIZE,
      });
      remember(result.jobs);
      live.value = [...result.jobs].sort(compareNewestFirst);
    } catch (err) {
      notify.error(err, 'Could not read the running jobs');
    }
  }

  async function init() {
    unsubscribers ??= [api.on('job.changed', applyJob), api.on('job.log', applyLog), api.onResync(() => void resync())];
    await Promise.all([refreshCounts(), loadLive()]);
  }

  /** After a cut in the event stream: reload what the page shows, since changes in between were not heard. */
  async function resync() {
    const reloads = [refreshCounts(), loadLive()];
    if (listLoaded.value) reloads.push(loadList());
    if (logJobId.value !== null) {
      const jobId = logJobId.value;
      reloads.push(
        api.call('jobs.log', { id: jobId }).then(
          (entries) => {
            if (logJobId.value === jobId) logEntries.value = mergeLog(logEntries.value, entries);
          },
          () => undefined,
        ),
      );
    }
    await Promise.all(reloads);
  }

  // ---------------------------------------------------------------- log

  async function watchLog(jobId: string | null) {
    logJobId.value = jobId;
    logEntries.value = [];
    logError.value = null;
    if (jobId === null) return;
    logLoading.value = true;
    try {
      const entries = await api.call('jobs.log', { id: jobId });
      // Events that arrived while this was in flight are already in logEntries; merge, don't replace.
      if (logJobId.value === jobId) logEntries.value = mergeLog(logEntries.value, entries);
    } catch (err) {
      if (logJobId.value === jobId) logError.value = toUserError(err);
    } finally {
      if (logJobId.value === jobId) logLoading.value = false;
    }
  }

  // ---------------------------------------------------------------- actions (errors go to the caller)

  async function cancel(id: string): Promise<Job> {
    const job = await api.call('jobs.cancel', { id });
    applyJob(job);
    return job;
  }

  async function retry(id: string): Promise<Job> {
    const job = await api.call('jobs.retry', { id });
    applyJob(job);
    return job;
  }

  async function recreate(id: string): Promise<RecreateJobResult> {
    return api.call('jobs.recreate', { id });
  }

  async function create(input: CreateJobInput): Promise<Job> {
    const job = await api.call('jobs.create', input);
    applyJob(job);
    return job;
  }

  /**
   * Keeps one job up to date by events even outside the loaded list and after it finishes (the
   * live set drops finished jobs): a form following the job it just queued.
   */
  function keep(job: Job) {
    if (!extra.value[job.id]) extra.value = { ...extra.value, [job.id]: find(job.id) ?? job };
    // A quick job may have finished before it was kept: its events went by while no list held it,
    // and the answer that queued it is older than them. One fresh read catches up.
    void fetchJob(job.id).catch(() => undefined);
  }

  return {
    items,
    total,
    typeFilter,
    listLoaded,
    listLoading,
    listError,
    hasMore,
    allTypesSelected,
    live,
    counts,
    activeJobs,
    liveComplete,
    queuedCount,
    waitingForConnectionCount,
    logJobId,
    logEntries,
    logLoading,
    logError,
    find,
    init,
    loadList,
    loadMore,
    setTypeFilter,
    fetchJob,
    refreshCounts,
    watchLog,
    cancel,
    retry,
    recreate,
    create,
    keep,
  };
});
