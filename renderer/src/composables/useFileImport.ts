import type { CreateJobInput } from '@shared/contract';
import type { JobType } from '@shared/jobs';
import { computed, reactive, ref } from 'vue';
import { useDefaultServer } from './useDefaultServer';
import { useInspection, type InspectInput } from './useInspection';
import { useJobSubmit } from './useJobSubmit';
import { useRecreate, type RecreateOptions } from './useRecreate';
import { useStoredFile } from './useStoredFile';

export interface FileImportOptions<P, R> {
  jobType: JobType;
  pickTitle: string;
  /** The options that change how the file is read or checked. */
  inspectParams: () => P;
  inspect: (input: InspectInput<P>) => Promise<R>;
  fill: RecreateOptions['fill'];
  /** The error when no file is chosen: "Choose a data file to import." */
  noFile: string;
  /** What else stops the form being sent (its options), in words; shown once a button was pressed. */
  errors: () => readonly string[];
  /** The job a press sends: a dry run, the import, or an import that deletes once confirmed (null: nothing to send). */
  job: (dryRun: boolean, deleteConfirmed: boolean) => CreateJobInput | null;
}

/**
 * A page that imports one file: the file, the look into it, Recreate, and the dry run / import
 * buttons, wired together. A new file forgets the last look and the last job; an unreadable file
 * or one still uploading cannot be sent; an import that deletes asks first (`confirmDelete`).
 */
export function useFileImport<P, R extends { error: unknown }>(options: FileImportOptions<P, R>) {
  const server = useDefaultServer();
  const submit = useJobSubmit<'dry-run' | 'import'>();
  const stored = useStoredFile({
    pickTitle: options.pickTitle,
    onChange: (file) => {
      inspection.clear();
      submit.forget();
      if (file) void inspection.run();
    },
  });
  const inspection = useInspection({ file: () => stored.file, params: options.inspectParams, serverId: () => server.id, inspect: options.inspect });
  const recreate = useRecreate({ jobType: options.jobType, fill: options.fill, useFile: (file) => stored.set(file) });

  const fileError = computed(() => (inspection.result?.error ?? null) as R['error'] | null);
  const blocked = computed(() => stored.busy || recreate.loading || submit.sending !== null || fileError.value !== null);
  const errors = computed(() => (submit.attempted ? allErrors() : []));
  const confirmDelete = ref(false);

  /** The file's error first: a file still uploading is not missing, so the page says to wait for it. */
  function allErrors(): string[] {
    const file = stored.upload ? ['Wait until the file has finished uploading.'] : stored.file ? [] : [options.noFile];
    return [...file, ...options.errors()];
  }

  function start(dryRun: boolean, deleting: boolean) {
    const kind = dryRun ? 'dry-run' : 'import';
    submit.attempt(kind);
    if (allErrors().length > 0 || blocked.value) return;
    if (!dryRun && deleting) confirmDelete.value = true;
    else void submit.trySend(kind, () => options.job(dryRun, false));
  }

  /** The delete dialog's action; throws, so the dialog shows why the job could not be queued. */
  function sendConfirmed() {
    return submit.send('import', () => options.job(false, true));
  }

  return reactive({ server, submit, stored, inspection, recreate, fileError, blocked, errors, confirmDelete, start, sendConfirmed });
}

/** Any page's file import, as the cards that show its look into the file and its buttons read it. */
export type FileImport = ReturnType<typeof useFileImport<unknown, { error: unknown }>>;
