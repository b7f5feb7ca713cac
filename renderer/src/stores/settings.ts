import type { Settings, SettingsUpdate } from '@shared/settings';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const loading = ref(false);
  const loadError = ref<UserError | null>(null);

  async function load() {
    loading.value = true;
    try {
      settings.value = await api.call('settings.get', {});
      loadError.value = null;
    } catch (err) {
      loadError.value = toUserError(err);
    } finally {
      loading.value = false;
    }
  }

  /** Throws `ApiCallError`; the settings form shows it next to the Save button. */
  async function save(update: SettingsUpdate): Promise<Settings> {
    settings.value = await api.call('settings.update', update);
    return settings.value;
  }

  return { settings, loading, loadError, load, save };
});
