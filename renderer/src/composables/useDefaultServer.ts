import { computed, reactive } from 'vue';
import { useConnectivityStore } from '@/stores/connectivity';
import { useServersStore } from '@/stores/servers';

/** Every form sends to the default server: which one, and whether it answers. */
export function useDefaultServer() {
  const servers = useServersStore();
  const connectivity = useConnectivityStore();
  const server = computed(() => servers.defaultServer);
  const state = computed(() => (server.value ? connectivity.stateOf(server.value.id) : null));
  const name = computed(() => server.value?.name ?? 'the server');
  const id = computed(() => server.value?.id ?? null);
  const loaded = computed(() => servers.loaded);
  return reactive({ server, state, name, id, loaded });
}
