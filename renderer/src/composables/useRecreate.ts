import { JOB_TYPE_LABELS, type FileRef, type JobType } from '@shared/jobs';
import { computed, reactive, ref, watch } from 'vue';
import { useRoute } from 'vue-router';
import { toUserError, type UserError } from '@/lib/errors';
import { useJobsStore } from '@/stores/jobs';
import { useServersStore } from '@/stores/servers';

export interface RecreateOptions {
  jobType: JobType;
  /** Fills the form from the old job's options; returns a sentence for each one it could not restore. */
  fill: (params: Readonly<Record<string, unknown>>) => string[] | Promise<string[]>;
  /** For forms that send a file: gets the old job's file, or null when it is gone or there was none. */
  useFile?: (file: FileRef | null) => void;
}

/**
 * "Recreate job" (`?recreate=<job id>`), the same on every form: the page opens filled with
 * whatever of the old job still applies, and one banner says what could not be restored. The
 * job's file gone from the store, options today's schema no longer accepts, the server it went to
 * removed or no longer the default: each is a line there, never a reason to show an empty form.
 */
export function useRecreate(options: RecreateOptions) {
  const route = useRoute();
  const jobs = useJobsStore();
  const servers = useServersStore();

  const requested = ref<string | null>(null);
  const from = ref<string | null>(null);
  const serverId = ref<string | null>(null);
  const loading = ref(false);
  const error = ref<UserError | null>(null);
  const notices = ref<string[]>([]);

  function wrongType(id: string, type: JobType): UserError {
    const wanted = JOB_TYPE_LABELS[options.jobType].toLowerCase();
    return {
      code: 'WRONG_TYPE',
      message: `Job ${id} is a ${JOB_TYPE_LABELS[type].toLowerCase()} job, not a ${wanted} job. Open it from the Job overview instead.`,
    };
  }

  async function apply(params: Readonly<Record<string, unknown>>, jobId: string, oldServer: string | null, file: FileRef | null, note: string[]) {
    const notRestored = await options.fill(params);
    from.value = jobId;
    serverId.value = oldServer;
    options.useFile?.(file);
    notices.value = [...note, ...notRestored];
  }

  async function load(id: string) {
    requested.value = id;
    loading.value = true;
    error.value = null;
    notices.value = [];
    try {
      const plan = await jobs.recreate(id);
      if (plan.type !== options.jobType) {
        error.value = wrongType(id, plan.type);
        return;
      }
      const file = plan.files[0] ?? null;
      const noFile = options.useFile && !file ? ['The old job had no file. Choose the file to import.'] : [];
      await apply(plan.params, plan.recreatedFrom, plan.serverId, file, noFile);
    } catch (err) {
      const failure = toUserError(err);
      // Only the file is gone: the options can still be copied, and the file chosen again.
      if (failure.code !== 'FILE_MISSING') {
        error.value = failure;
        return;
      }
      try {
        const job = await jobs.fetchJob(id);
        if (job.type !== options.jobType) error.value = wrongType(id, job.type);
        else await apply(job.params, job.id, job.serverId, null, [`${failure.message} The other options are filled in from the old job.`]);
      } catch {
        error.value = failure;
      }
    } finally {
      loading.value = false;
    }
  }

  /** Said next to the server line: the new job goes to today's default server, which may not be the old job's. */
  const serverNote = computed(() => {
    const id = serverId.value;
    const current = servers.defaultServer;
    if (!id || !current || id === current.id) return null;
    const old = servers.byId(id);
    return `The old job went to ${old ? old.name : 'a server that has since been removed'}; this one goes to the default server.`;
  });

  watch(
    () => route.query.recreate,
    (value) => {
      if (typeof value === 'string' && value) void load(value);
    },
    { immediate: true },
  );

  return reactive({ requested, from, loading, error, notices, serverNote, load });
}

export type Recreate = ReturnType<typeof useRecreate>;
