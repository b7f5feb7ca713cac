import type { TestConnectionInput } from '@shared/contract';
import type { ServerInput, ServerProfile, ServerUpdate, TestConnectionResult } from '@shared/servers';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api } from '@/bridge';
import { toUserError, type UserError } from '@/lib/errors';
import { useNotifyStore } from './notify';

/**
 * Server profiles as main keeps them (never with secrets). Mutations throw `ApiCallError` so the
 * form or button that started them can show the message where the user is looking.
 */
export const useServersStore = defineStore('servers', () => {
  const servers = ref<ServerProfile[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const loadError = ref<UserError | null>(null);
  let unsubscribe: (() => void) | null = null;

  const defaultServer = computed(() => servers.value.find((server) => server.isDefault) ?? null);

  function byId(id: string | null | undefined): ServerProfile | undefined {
    return id ? servers.value.find((server) => server.id === id) : undefined;
  }

  async function refresh() {
    loading.value = true;
    try {
      servers.value = await api.call('servers.list', {});
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = toUserError(err);
    } finally {
      loading.value = false;
    }
  }

  async function init() {
    // Another window, the CLI or a job may change profiles (e.g. last tested time); follow along.
    if (!unsubscribe) {
      const off = [api.on('servers.changed', () => void refresh()), api.onResync(() => void refresh())];
      unsubscribe = () => off.forEach((stop) => stop());
    }
    await refresh();
    // Every page depends on this list (the connection indicator, job details), so say so everywhere.
    if (loadError.value) useNotifyStore().error({ ...loadError.value }, 'Could not read the server list');
  }

  function upsert(profile: ServerProfile) {
    const index = servers.value.findIndex((server) => server.id === profile.id);
    if (profile.isDefault) {
      for (const server of servers.value) server.isDefault = server.id === profile.id;
    }
    if (index === -1) servers.value.push(profile);
    else servers.value[index] = profile;
  }

  async function add(input: ServerInput): Promise<ServerProfile> {
    const profile = await api.call('servers.add', input);
    upsert(profile);
    return profile;
  }

  async function update(input: ServerUpdate): Promise<ServerProfile> {
    const profile = await api.call('servers.update', input);
    upsert(profile);
    return profile;
  }

  async function remove(id: string): Promise<void> {
    await api.call('servers.remove', { id });
    servers.value = servers.value.filter((server) => server.id !== id);
    // Main may have promoted another server to default; the list says which.
    await refresh();
  }

  async function setDefault(id: string): Promise<ServerProfile> {
    const profile = await api.call('servers.setDefault', { id });
    upsert(profile);
    return profile;
  }

  async function test(input: TestConnectionInput): Promise<TestConnectionResult> {
    return api.call('servers.test', input);
  }

  return { servers, loaded, loading, loadError, defaultServer, byId, init, refresh, add, update, remove, setDefault, test };
});
