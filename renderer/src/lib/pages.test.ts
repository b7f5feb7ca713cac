import { describe, expect, it } from 'vitest';
import { JOB_TYPES } from '@shared/jobs';
import { jobKind } from '@shared/job-kinds';
import { FORM_PAGES, formPageForJobType } from './pages';

describe('pages and job kinds', () => {
  it('every page that makes a kind of job is the page its kind declares, and the other way round', () => {
    for (const page of FORM_PAGES) expect(page.jobType && jobKind(page.jobType).page).toBe(page.path);
    for (const type of JOB_TYPES) {
      const path = jobKind(type).page;
      if (path !== null) expect(FORM_PAGES.map((page) => page.path)).toContain(path);
    }
  });

  it('Recreate opens the declared page of a built kind, and none for a kind no page makes', () => {
    expect(formPageForJobType('import-data')?.path).toBe('/import/data');
    expect(formPageForJobType('export-metadata-dependencies')?.path).toBe('/export/metadata-dependency');
    expect(formPageForJobType('sync-metadata')).toBeUndefined();
    // Declared with a page, but this version cannot make such jobs yet.
    expect(formPageForJobType('import-events')).toBeUndefined();
  });
});
