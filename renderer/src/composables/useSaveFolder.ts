import type { FolderCheck } from '@shared/folders';
import { ref } from 'vue';
import type FolderPicker from '@/components/FolderPicker.vue';

/** The folder an export saves into, as FolderPicker checks it. Bind `picker` with `ref` and `check` with `@check`. */
export function useSaveFolder() {
  const picker = ref<InstanceType<typeof FolderPicker> | null>(null);
  const check = ref<FolderCheck | null>(null);

  /** The USB drive may have been pulled since the folder was chosen: look again, now. Null when it cannot be used. */
  async function confirmedPath(): Promise<string | null> {
    const now = (await picker.value?.recheck()) ?? null;
    return now && now.severity !== 'error' ? now.path : null;
  }

  return { picker, check, confirmedPath };
}
