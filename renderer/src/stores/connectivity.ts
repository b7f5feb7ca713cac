import type { Connectivity } from '@shared/servers';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/bridge';
import { useNotifyStore } from './notify';
import { useServersStore } from './servers';

export type ConnectionState = 'online' | 'offline' | 'checking' | 'no-server';

/** Whether each server answered its last ping; main pings on its own schedule and tells us. */
export const useConnectivityStore = defineStore('connectivity', () => {
  const byServer = ref<Record<string, Connectivity>>({});
  const checking = ref(false);
  const loaded = ref(false);
  let unsubscribe: (() => void) | null = null;

  function apply(list: readonly Connectivity[]) {
    const next: Record<string, Connectivity> = {};
    for (const status of list) next[status.serverId] = status;
    byServer.value = next;
  }

  function statusOf(serverId: string): Connectivity | undefined {
    return byServer.value[serverId];
  }

  /** Plain state of one server: "checking" until main has pinged it at least once. */
  function stateOf(serverId: string): Exclude<ConnectionState, 'no-server'> {
    const status = byServer.value[serverId];
    if (!status || status.checkedAt === null) return 'checking';
    return status.online ? 'online' : 'offline';
  }

  const defaultState = computed<ConnectionState>(() => {
    const servers = useServersStore();
    const server = servers.defaultServer;
    if (!server) return servers.loaded ? 'no-server' : 'checking';
    if (checking.value) return 'checking';
    return stateOf(server.id);
  });

  async function init() {
    if (!unsubscribe) {
      const off = [
        api.on('connectivity.changed', (status) => {
          byServer.value = { ...byServer.value, [status.serverId]: status };
        }),
        api.onResync(() => void api.call('connectivity.status', {}).then(apply, () => undefined)),
      ];
      unsubscribe = () => off.forEach((stop) => stop());
    }
    try {
      apply(await api.call('connectivity.status', {}));
      loaded.value = true;
    } catch (err) {
      useNotifyStore().error(err, 'Could not read the connection status');
    }
  }

  async function checkNow() {
    if (checking.value) return;
    checking.value = true;
    try {
      apply(await api.call('connectivity.checkNow', {}));
    } catch (err) {
      useNotifyStore().error(err, 'Could not check the connection');
    } finally {
      checking.value = false;
    }
  }

  return { byServer, checking, loaded, statusOf, stateOf, defaultState, init, checkNow };
});
