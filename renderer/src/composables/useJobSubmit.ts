import type { CreateJobInput } from '@shared/contract';
import type { Job } from '@shared/jobs';
import { computed, reactive, ref } from 'vue';
import { toUserError, type UserError } from '@/lib/errors';
import { progressPercent } from '@/lib/jobs';
import { JOB_OVERVIEW_PAGE } from '@/lib/pages';
import { useJobsStore } from '@/stores/jobs';
import { useServersStore } from '@/stores/servers';

/**
 * Sending a form as a job and following that job live on the same page. `K` names the buttons
 * ('dry-run' | 'import', 'export' | 'laptop'), so only the one pressed shows as busy.
 */
export function useJobSubmit<K extends string>() {
  const jobs = useJobsStore();
  const servers = useServersStore();

  /** Set by the first press: field errors show from then on, not while the form is still being filled. */
  const attempted = ref<K | false>(false);
  const sending = ref<K | null>(null);
  const error = ref<UserError | null>(null);
  const jobId = ref<string | null>(null);

  const job = computed<Job | undefined>(() => jobs.find(jobId.value));
  const percent = computed(() => (job.value ? progressPercent(job.value) : null));
  const link = computed(() => ({ path: JOB_OVERVIEW_PAGE.path, query: { job: jobId.value ?? undefined } }));
  const serverName = computed(() => servers.byId(job.value?.serverId)?.name ?? servers.defaultServer?.name ?? 'the server');

  function attempt(kind: K) {
    attempted.value = kind;
    error.value = null;
  }

  /**
   * Queues the job `build` describes (null: nothing to send, e.g. the folder just went away).
   * Throws, so a confirmation dialog can show the error where the user is looking.
   */
  async function send(kind: K, build: () => CreateJobInput | null | Promise<CreateJobInput | null>) {
    sending.value = kind;
    try {
      const input = await build();
      if (!input) return;
      const created = await jobs.create(input);
      jobs.keep(created);
      jobId.value = created.id;
      attempted.value = false;
    } finally {
      sending.value = null;
    }
  }

  /** As `send`, with the error shown under the buttons. */
  async function trySend(kind: K, build: () => CreateJobInput | null | Promise<CreateJobInput | null>) {
    try {
      await send(kind, build);
    } catch (err) {
      error.value = toUserError(err);
    }
  }

  /** A new file or a new choice: the job shown belongs to the old one. */
  function forget() {
    jobId.value = null;
    error.value = null;
  }

  return reactive({ attempted, sending, error, jobId, job, percent, link, serverName, attempt, send, trySend, forget });
}

export type JobSubmit<K extends string = string> = ReturnType<typeof useJobSubmit<K>>;
