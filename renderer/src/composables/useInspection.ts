import type { FileRef } from '@shared/jobs';
import { computed, onBeforeUnmount, reactive, ref, watch } from 'vue';
import { toUserError, type UserError } from '@/lib/errors';
import { useMetadataStore } from '@/stores/metadata';

/** Re-reading a big file on every click of a checkbox would be slow on an old laptop. */
export const INSPECT_DELAY_MS = 350;

export interface InspectInput<P> {
  file: FileRef;
  params: P;
  serverId: string | null;
}

export interface InspectionOptions<P, R> {
  file: () => FileRef | null;
  /** Only the options that change how the file is read or checked: the rest need no new look. */
  params: () => P;
  serverId: () => string | null;
  inspect: (input: InspectInput<P>) => Promise<R>;
}

/**
 * What is in the chosen file and what the offline check predicts. It looks again, a moment after
 * the last change, whenever anything the answer depends on changes: the file, a reading option,
 * the server or its metadata snapshot. Only the newest answer is kept.
 */
export function useInspection<P, R>(options: InspectionOptions<P, R>) {
  const metadata = useMetadataStore();
  const result = ref<R | null>(null);
  const running = ref(false);
  const error = ref<UserError | null>(null);
  let request = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const key = computed(() => JSON.stringify([options.file()?.sha256 ?? null, options.params(), options.serverId(), metadata.current?.snapshot?.id ?? null]));
  let inspectedKey: string | null = null;

  function stopTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  async function run() {
    stopTimer();
    const file = options.file();
    if (!file) return;
    inspectedKey = key.value;
    const mine = ++request;
    running.value = true;
    try {
      const answer = await options.inspect({ file, params: options.params(), serverId: options.serverId() });
      if (mine !== request) return;
      result.value = answer;
      error.value = null;
    } catch (err) {
      if (mine === request) error.value = toUserError(err);
    } finally {
      if (mine === request) running.value = false;
    }
  }

  /** Forgets the last answer (a new file, or none). */
  function clear() {
    stopTimer();
    request += 1;
    result.value = null;
    error.value = null;
    running.value = false;
  }

  watch(key, (next) => {
    if (!options.file() || next === inspectedKey) return;
    stopTimer();
    timer = setTimeout(() => void run(), INSPECT_DELAY_MS);
  });

  onBeforeUnmount(clear);

  return reactive({ result, running, error, run, clear });
}
