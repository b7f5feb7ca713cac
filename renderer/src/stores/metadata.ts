import type { MetadataStatus, MethodInput, MethodOutput } from '@shared/contract';
import type { FileRef, Job } from '@shared/jobs';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';
import { useJobsStore } from './jobs';
import { useNotifyStore } from './notify';
import { useServersStore } from './servers';

/**
 * The offline metadata as main keeps it, per server. The top bar shows the default server's copy,
 * or, on a laptop prepared from a USB drive before any server was added, the copy kept for none.
 */
export const useMetadataStore = defineStore('metadata', () => {
  const statuses = ref<MetadataStatus[]>([]);
  const loaded = ref(false);
  const loadingFile = ref<string | null>(null);
  const error = ref<UserError | null>(null);
  let unsubscribers: Array<() => void> | null = null;

  const current = computed<MetadataStatus | null>(() => {
    const server = useServersStore().defaultServer;
    const own = server ? statuses.value.find((status) => status.serverId === server.id) : undefined;
    if (own?.snapshot) return own;
    return statuses.value.find((status) => status.serverId === null && status.snapshot !== null) ?? own ?? null;
  });

  /** A sync of the default server that is queued or running, for "syncing…" next to the date. */
  const pendingSync = computed<Job | null>(() => {
    const server = useServersStore().defaultServer;
    if (!server) return null;
    return useJobsStore().live.find((job) => job.type === 'sync-metadata' && (job.serverId ?? server.id) === server.id) ?? null;
  });

  async function refresh() {
    try {
      statuses.value = await api.call('metadata.status', {});
      error.value = null;
      loaded.value = true;
    } catch (err) {
      error.value = toUserError(err);
    }
  }

  async function init() {
    // A sync finishing (in this window, another one or the CLI) or a server added changes what to show.
    unsubscribers ??= [api.on('metadata.changed', () => void refresh()), api.on('servers.changed', () => void refresh()), api.onResync(() => void refresh())];
    await refresh();
  }

  /** Queues a sync of the default server; the job overview and summary bar follow it from there. */
  async function sync(): Promise<Job | null> {
    const notify = useNotifyStore();
    try {
      const job = await api.call('metadata.sync', {});
      notify.info(`Metadata sync queued (job ${job.id.slice(0, 8)}); its progress shows in the job bar.`);
      return job;
    } catch (err) {
      notify.error(err, 'Could not start the metadata sync');
      return null;
    }
  }

  /** Browser mode: the file goes through the upload path into the store, then main reads it. */
  async function loadBrowserFile(file: File): Promise<void> {
    await loadRef(file.name, () => api.upload(file, { name: file.name }));
  }

  /** Desktop: the native dialog copies the chosen file into the store. */
  async function pickAndLoad(): Promise<void> {
    const notify = useNotifyStore();
    let picked: FileRef[];
    try {
      picked = await api.call('files.pick', { title: 'Choose a DHIS2 metadata export (.json, .json.gz or .json.zip)' });
    } catch (err) {
      notify.error(err, 'Could not open the file');
      return;
    }
    const [file] = picked;
    if (file) await loadRef(file.name, () => Promise.resolve(file));
  }

  async function loadRef(name: string, store: () => Promise<FileRef>): Promise<void> {
    const notify = useNotifyStore();
    loadingFile.value = name;
    try {
      const file = await store();
      const status = await api.call('metadata.loadFile', { file });
      const index = statuses.value.findIndex((entry) => entry.serverId === status.serverId);
      if (index === -1) statuses.value = [...statuses.value, status];
      else statuses.value = statuses.value.map((entry, i) => (i === index ? status : entry));
      notify.success(`Metadata loaded from "${name}"${status.serverName ? ` for ${status.serverName}` : ''}.`);
    } catch (err) {
      notify.error(err, 'Could not load the metadata file');
    } finally {
      loadingFile.value = null;
    }
  }

  /** Names and ids for pickers (data sets, unique attributes, org units); empty without offline metadata. Throws to the caller. */
  async function list(input: MethodInput<'metadata.list'>): Promise<MethodOutput<'metadata.list'>> {
    return api.call('metadata.list', input);
  }

  return { statuses, loaded, loadingFile, error, current, pendingSync, init, refresh, sync, loadBrowserFile, pickAndLoad, list };
});
