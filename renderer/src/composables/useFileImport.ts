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
  /** What stops the form being sent, in words; shown once a button was pressed. */
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
  const errors = computed(() => (submit.attempted ? options.errors() : []));
  const confirmDelete = ref(false);

  function start(dryRun: boolean, deleting: boolean) {
    const kind = dryRun ? 'dry-run' : 'import';
    submit.attempt(kind);
    if (options.errors().length > 0 || blocked.value) return;
    if (!dryRun && deleting) confirmDelete.value = true;
    else void submit.trySend(kind, () => options.job(dryRun, false));
  }

  /** The delete dialog's action; throws, so the dialog shows why the job could not be queued. */
  function sendConfirmed() {
    return submit.send('import', () => options.job(false, true));
  }

  return reactive({ server, submit, stored, inspection, recreate, fileError, blocked, errors, confirmDelete, start, sendConfirmed });
}
