import type { AppInfo } from '@shared/contract';
import type { JobType } from '@shared/jobs';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const loading = ref(false);
  const error = ref<UserError | null>(null);

  const appName = computed(() => info.value?.name ?? 'DHIS2 Import Export');
  const isDesktop = computed(() => info.value?.mode === 'desktop');

  async function load() {
    loading.value = true;
    try {
      info.value = await api.call('app.info', {});
      error.value = null;
    } catch (err) {
      error.value = toUserError(err);
    } finally {
      loading.value = false;
    }
  }

  function canRun(type: JobType): boolean {
    return info.value?.runnableJobTypes.includes(type) ?? false;
  }

  return { info, loading, error, appName, isDesktop, load, canRun };
});
