import type { Component } from 'vue';
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { FORM_PAGES, JOB_OVERVIEW_PAGE, LOAD_COLLECTED_PAGE, SERVERS_PAGE, SETTINGS_PAGE, type AppPage } from '@/lib/pages';
import HomePage from '@/pages/HomePage.vue';
import NotBuiltYetPage from '@/pages/NotBuiltYetPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
  }
}

/** Form pages that exist, by page name; the others show the "not available yet" notice. */
const FORM_COMPONENTS: Partial<Record<string, () => Promise<Component>>> = {
  'import-data': () => import('@/pages/DataImportPage.vue'),
  'export-metadata': () => import('@/pages/MetadataExportPage.vue'),
  'export-metadata-dependency': () => import('@/pages/MetadataDependencyExportPage.vue'),
  'import-metadata': () => import('@/pages/MetadataImportPage.vue'),
  'export-data': () => import('@/pages/DataExportPage.vue'),
};

function formRoute(page: AppPage): RouteRecordRaw {
  const component = page.formBuilt ? FORM_COMPONENTS[page.name] : undefined;
  if (component) return { path: page.path, name: page.name, component, meta: { title: page.title } };
  return notBuiltYet(page);
}

function notBuiltYet(page: AppPage): RouteRecordRaw {
  return {
    path: page.path,
    name: page.name,
    component: NotBuiltYetPage,
    props: { title: page.title, description: page.description, icon: page.icon },
    meta: { title: page.title },
  };
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomePage, meta: { title: 'Home' } },
  ...FORM_PAGES.map(formRoute),
  {
    path: JOB_OVERVIEW_PAGE.path,
    name: JOB_OVERVIEW_PAGE.name,
    component: () => import('@/pages/JobOverviewPage.vue'),
    meta: { title: JOB_OVERVIEW_PAGE.title },
  },
  {
    path: LOAD_COLLECTED_PAGE.path,
    name: LOAD_COLLECTED_PAGE.name,
    component: () => import('@/pages/LoadCollectedFilesPage.vue'),
    meta: { title: LOAD_COLLECTED_PAGE.title },
  },
  {
    path: SERVERS_PAGE.path,
    name: SERVERS_PAGE.name,
    component: () => import('@/pages/ServersPage.vue'),
    meta: { title: SERVERS_PAGE.title },
  },
  {
    path: SETTINGS_PAGE.path,
    name: SETTINGS_PAGE.name,
    component: () => import('@/pages/SettingsPage.vue'),
    meta: { title: SETTINGS_PAGE.title },
  },
  // Old bookmarks and typos land on the home page, as in the DHIS2 app.
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

// Hash history: the page is served from a custom protocol (desktop) and a local host (browser mode).
export const router = createRouter({ history: createWebHashHistory(), routes });
