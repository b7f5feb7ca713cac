import type { FileRef } from '@shared/jobs';
import { computed, reactive, ref } from 'vue';
import { api, isDesktop } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';
import { useAppStore } from '@/stores/app';

export interface StoredFileOptions {
  /** Title of the desktop's file dialog. */
  pickTitle: string;
  /** Called with each new file (or null when removed), after it is safely in the app's store. */
  onChange?: (file: FileRef | null) => void;
}

/**
 * The one file a form sends: uploaded from the browser with progress, or picked with the desktop's
 * dialog (main copies it into the store). The form only ever holds a FileRef, never the bytes.
 */
export function useStoredFile(options: StoredFileOptions) {
  const app = useAppStore();
  const file = ref<FileRef | null>(null);
  const upload = ref<{ name: string; size: number; sent: number } | null>(null);
  const error = ref<UserError | null>(null);
  const picking = ref(false);
  /** Bound to the file field only to read a choice; cleared after each one so the same file can be chosen again. */
  const chosen = ref<File | File[] | null>(null);

  const nativeDialogs = computed(() => app.info?.nativeDialogs ?? isDesktop);
  const busy = computed(() => upload.value !== null || picking.value);
  const percent = computed(() => {
    const u = upload.value;
    if (!u || u.size === 0) return 0;
    return Math.min(100, Math.floor((u.sent / u.size) * 100));
  });

  function set(stored: FileRef | null) {
    file.value = stored;
    options.onChange?.(stored);
  }

  function onChosen(value: File | File[] | null | undefined) {
    const picked = Array.isArray(value) ? value[0] : value;
    if (!picked) return;
    chosen.value = null;
    void store(picked);
  }

  async function store(blob: File) {
    error.value = null;
    upload.value = { name: blob.name, size: blob.size, sent: 0 };
    try {
      const stored = await api.upload(blob, { name: blob.name }, (sent) => {
        if (upload.value) upload.value = { ...upload.value, sent };
      });
      set(stored);
    } catch (err) {
      error.value = toUserError(err);
    } finally {
      upload.value = null;
    }
  }

  async function pick() {
    error.value = null;
    picking.value = true;
    try {
      const [picked] = await api.call('files.pick', { title: options.pickTitle });
      if (picked) set(picked);
    } catch (err) {
      error.value = toUserError(err);
    } finally {
      picking.value = false;
    }
  }

  return reactive({ file, upload, error, picking, chosen, nativeDialogs, busy, percent, set, onChosen, store, pick });
}

export type StoredFile = ReturnType<typeof useStoredFile>;
