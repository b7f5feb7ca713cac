import {
  mdiAccountMultiple,
  mdiCalendarCheck,
  mdiCog,
  mdiEarth,
  mdiFileTree,
  mdiFormatListChecks,
  mdiServerNetwork,
  mdiSitemap,
  mdiTable,
  mdiUsbFlashDrive,
  mdiVectorPolygon,
} from '@mdi/js';
import type { JobType } from '@shared/jobs';
import { jobKind } from '@shared/job-kinds';

export type PageGroup = 'import' | 'export' | 'utils';

/** One entry per page of the sidebar. Routes, home cards and "Recreate job" all read this list. */
export interface AppPage {
  /** Route name, also used as the key in lists. */
  name: string;
  path: string;
  group: PageGroup;
  /** Short label in the sidebar, under its group heading. */
  navLabel: string;
  /** Full title on the page and on the home card. */
  title: string;
  description: string;
  icon: string;
  /** The job type a form on this page starts. */
  jobType?: JobType;
  /**
   * Whether the form exists in this version. Recreate only opens pages whose form can read
   * `?recreate=<id>`; every other page shows the "not available yet" notice.
   */
  formBuilt: boolean;
}

// Descriptions follow the DHIS2 Import/Export app, corrected where its own wording is wrong.
export const IMPORT_PAGES: readonly AppPage[] = [
  {
    name: 'import-metadata',
    path: '/import/metadata',
    group: 'import',
    navLabel: 'Metadata',
    title: 'Metadata import',
    description: 'Import metadata, such as data elements and organisation units, using JSON, CSV or DXF2 (XML) format.',
    icon: mdiFileTree,
    jobType: 'import-metadata',
    formBuilt: true,
  },
  {
    name: 'import-data',
    path: '/import/data',
    group: 'import',
    navLabel: 'Data',
    title: 'Data import',
    description: 'Import data values using JSON, CSV, DXF2, ADX, or PDF format.',
    icon: mdiTable,
    jobType: 'import-data',
    formBuilt: true,
  },
  {
    name: 'import-event',
    path: '/import/event',
    group: 'import',
    navLabel: 'Event',
    title: 'Event import',
    description: 'Import event data for programs, stages and tracked entities from JSON or CSV format.',
    icon: mdiCalendarCheck,
    jobType: 'import-events',
    formBuilt: false,
  },
  {
    name: 'import-earthengine',
    path: '/import/earthengine',
    group: 'import',
    navLabel: 'Earth Engine',
    title: 'Earth Engine import',
    description: 'Import high resolution population data from WorldPop using Google Earth Engine.',
    icon: mdiEarth,
    jobType: 'import-population',
    formBuilt: false,
  },
  {
    name: 'import-geometry',
    path: '/import/geometry',
    group: 'import',
    navLabel: 'Org unit geometry',
    title: 'Organisation unit geometry import',
    description:
      'Import geographic data for organisation units. GeoJSON is the recommended format and can also be used for associated geometries or catchment areas.',
    icon: mdiVectorPolygon,
    jobType: 'import-geometry',
    formBuilt: false,
  },
  {
    name: 'import-tei',
    path: '/import/tei',
    group: 'import',
    navLabel: 'Tracked entities',
    title: 'Tracked entities import',
    description: 'Import tracked entities using JSON format.',
    icon: mdiAccountMultiple,
    jobType: 'import-tracker',
    formBuilt: false,
  },
];

export const EXPORT_PAGES: readonly AppPage[] = [
  {
    name: 'export-metadata',
    path: '/export/metadata',
    group: 'export',
    navLabel: 'Metadata',
    title: 'Metadata export',
    description: 'Export metadata, such as data elements and organisation units, in JSON format.',
    icon: mdiFileTree,
    jobType: 'export-metadata',
    formBuilt: true,
  },
  {
    name: 'export-metadata-dependency',
    path: '/export/metadata-dependency',
    group: 'export',
    navLabel: 'Metadata dependencies',
    title: 'Metadata dependency export',
    description: 'Export metadata dependencies, such as data sets and programs, including related metadata objects, in JSON format.',
    icon: mdiSitemap,
    jobType: 'export-metadata-dependencies',
    formBuilt: true,
  },
  {
    name: 'export-data',
    path: '/export/data',
    group: 'export',
    navLabel: 'Data',
    title: 'Data export',
    description: 'Export data values in JSON, CSV, DXF2, or ADX format.',
    icon: mdiTable,
    jobType: 'export-data',
    formBuilt: true,
  },
  {
    name: 'export-event',
    path: '/export/event',
    group: 'export',
    navLabel: 'Event',
    title: 'Event export',
    description: 'Export event data for programs, stages and tracked entities in JSON or CSV format.',
    icon: mdiCalendarCheck,
    jobType: 'export-events',
    formBuilt: false,
  },
  {
    name: 'export-tei',
    path: '/export/tei',
    group: 'export',
    navLabel: 'Tracked entities',
    title: 'Tracked entities export',
    description: 'Export tracked entities in JSON or CSV format.',
    icon: mdiAccountMultiple,
    jobType: 'export-tracker',
    formBuilt: false,
  },
];

export const JOB_OVERVIEW_PAGE: AppPage = {
  name: 'job-overview',
  path: '/utils/job-overview',
  group: 'utils',
  navLabel: 'Job overview',
  title: 'Job overview',
  description: 'Every import and export job started in this app, kept across restarts, with its progress, log and result.',
  icon: mdiFormatListChecks,
  formBuilt: true,
};

export const LOAD_COLLECTED_PAGE: AppPage = {
  name: 'load-collected',
  path: '/utils/load-collected',
  group: 'utils',
  navLabel: 'Load collected files',
  title: 'Load collected files',
  description:
    'Load what a USB drive brings from facilities: bundles saved with "Save to USB", loose DHIS2 data files, and receipts from the district. Each is checked, and queued only once.',
  icon: mdiUsbFlashDrive,
  formBuilt: true,
};

export const SERVERS_PAGE: AppPage = {
  name: 'servers',
  path: '/servers',
  group: 'utils',
  navLabel: 'Servers',
  title: 'Servers',
  description: 'The DHIS2 servers this app talks to, how it signs in to them, and which one is the default.',
  icon: mdiServerNetwork,
  formBuilt: true,
};

export const SETTINGS_PAGE: AppPage = {
  name: 'settings',
  path: '/settings',
  group: 'utils',
  navLabel: 'Settings',
  title: 'Settings',
  description: 'How often the app checks the connection and how it retries jobs that could not finish.',
  icon: mdiCog,
  formBuilt: true,
};

export const FORM_PAGES: readonly AppPage[] = [...IMPORT_PAGES, ...EXPORT_PAGES];

/** The page that makes (and so recreates) a job of this type, as its kind declares, if that form exists yet. */
export function formPageForJobType(type: JobType): AppPage | undefined {
  const path = jobKind(type).page;
  return path === null ? undefined : FORM_PAGES.find((page) => page.path === path && page.formBuilt);
}
