import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Component } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { createVuetify } from 'vuetify';
import * as components from 'vuetify/components';
import * as directives from 'vuetify/directives';

// happy-dom has no layout engine; Vuetify only needs these to exist.
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;
if (typeof window !== 'undefined') {
  window.matchMedia ??= ((query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    }) as MediaQueryList) as typeof window.matchMedia;
}

export interface Mounted {
  pinia: Pinia;
  router: Router;
}

/** A fresh Pinia (made active, so a test can reach the stores) and a memory router at `path`. */
export async function testPlugins(path = '/'): Promise<Mounted> {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)*', component: { render: () => null } }] });
  await router.push(path);
  await router.isReady();
  return { pinia, router };
}

/** Mounts a component the way the app does: Vuetify (all components), Pinia and a router. */
export function mountWithApp<C extends Component>(component: C, plugins: Mounted, options: ComponentMountingOptions<C> = {}) {
  const vuetify = createVuetify({ components, directives });
  return mount(component, {
    ...options,
    attachTo: document.body,
    global: { ...options.global, plugins: [vuetify, plugins.pinia, plugins.router] },
  } as ComponentMountingOptions<C>);
}
