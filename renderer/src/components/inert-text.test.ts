// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import type { Job } from '@shared/jobs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handle, resetFakeBridge } from '@/test/fake-bridge';
import { mountWithApp, testPlugins } from '@/test/mount';
import { sampleJob } from '@/test/samples';
import JobDetails from './JobDetails.vue';

vi.mock('@/bridge', () => import('@/test/fake-bridge'));

/** What a hostile bundle or data file may carry: terminal escape sequences, a bidi override, and markup. */
const HOSTILE = '\u001b[2J\u001b]0;PWNED\u0007Ngelehun\u009b2J\u202eCHC <img src=x onerror="window.__pwned=1"><b>bold</b>';

function hostileJob(): Job {
  const at = '2024-03-01T10:00:00.000Z';
  return sampleJob({
    id: 'job-1',
    type: 'import-data',
    title: `Import ${HOSTILE}`,
    state: 'failed',
    params: { format: 'csv' },
    files: [{ sha256: 'a'.repeat(64), name: `values${HOSTILE}.csv`, size: 10 }],
    error: { code: 'X', message: `Refused: ${HOSTILE}` },
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    finishedAt: at,
  });
}

describe('text from files and bundles on the page', () => {
  afterEach(() => {
    resetFakeBridge();
    document.body.innerHTML = '';
  });

  it('is shown as text: escape sequences do nothing and markup makes no element', async () => {
    handle('jobs.log', () => [{ seq: 1, jobId: 'job-1', at: '2024-03-01T10:00:00.000Z', level: 'error', message: `Line from the file: ${HOSTILE}` }]);
    handle('servers.list', () => []);
    const wrapper = mountWithApp(JobDetails, await testPlugins('/jobs'), { props: { job: hostileJob() } });
    await flushPromises();
    const card = wrapper.get('[data-testid="job-details"]');
    // The exact characters are in the text, where they have no effect on a page.
    expect(card.text()).toContain(`Import ${HOSTILE}`);
    expect(card.text()).toContain(`Refused: ${HOSTILE}`);
    expect(card.element.querySelector('img, b')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(card.html()).toContain('&lt;img src=x onerror=');
    wrapper.unmount();
  });
});
