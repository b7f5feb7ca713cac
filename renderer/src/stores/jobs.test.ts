import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callsOf, emit, handle, resetFakeBridge } from '@/test/fake-bridge';
import { sampleJob } from '@/test/samples';
import { useJobsStore } from './jobs';

vi.mock('@/bridge', () => import('@/test/fake-bridge'));

beforeEach(() => {
  setActivePinia(createPinia());
  handle('jobs.counts', () => ({ active: 0, waiting: 0, needsAttention: 0, failed: 0, done: 0, total: 0 }));
  handle('jobs.list', () => ({ jobs: [], total: 0 }));
});
afterEach(() => resetFakeBridge());

describe('the jobs store', () => {
  it('lists the overview newest first and places a new job from an event at the top', async () => {
    const older = sampleJob({ id: 'a', type: 'import-data', createdAt: '2025-01-01T10:00:00.000Z' });
    const newer = sampleJob({ id: 'b', type: 'import-data', createdAt: '2025-01-02T10:00:00.000Z' });
    handle('jobs.list', ({ states }) => {
      const listed = [older, newer].filter((job) => !states || states.includes(job.state));
      return { jobs: listed, total: listed.length };
    });
    const jobs = useJobsStore();
    await jobs.init();
    await jobs.loadList();
    expect(jobs.items.map((job) => job.id)).toEqual(['b', 'a']);
    emit('job.changed', sampleJob({ id: 'c', type: 'export-data', state: 'queued', createdAt: '2025-01-03T10:00:00.000Z' }));
    expect(jobs.items.map((job) => job.id)).toEqual(['c', 'b', 'a']);
    expect(jobs.total).toBe(3);
    expect(jobs.live.map((job) => job.id)).toEqual(['c']);
  });

  it('keeps a newer event when an older answer about the same job arrives after it', async () => {
    const jobs = useJobsStore();
    await jobs.init();
    emit('job.changed', sampleJob({ id: 'j', type: 'self-test', state: 'cancelled', updatedAt: '2025-01-01T10:00:02.000Z' }));
    handle('jobs.cancel', () => sampleJob({ id: 'j', type: 'self-test', state: 'running', updatedAt: '2025-01-01T10:00:01.000Z' }));
    await jobs.cancel('j');
    expect(jobs.find('j')).toBeUndefined();
    handle('jobs.get', () => sampleJob({ id: 'j', type: 'self-test', state: 'running', updatedAt: '2025-01-01T10:00:01.000Z' }));
    await jobs.fetchJob('j');
    expect(jobs.find('j')?.state).toBe('running');
    emit('job.changed', sampleJob({ id: 'j', type: 'self-test', state: 'cancelled', updatedAt: '2025-01-01T10:00:03.000Z' }));
    expect(jobs.find('j')?.state).toBe('cancelled');
  });

  it('follows a kept job after it finishes, though the live set drops finished jobs', async () => {
    const queued = sampleJob({ id: 'k', type: 'import-data', state: 'queued' });
    handle('jobs.create', () => queued);
    handle('jobs.get', () => queued);
    const jobs = useJobsStore();
    await jobs.init();
    const created = await jobs.create({ type: 'import-data', params: {}, files: [] });
    jobs.keep(created);
    emit('job.changed', sampleJob({ id: 'k', type: 'import-data', state: 'done', updatedAt: '2025-01-01T11:00:00.000Z', result: { ok: 1 } }));
    expect(jobs.live).toEqual([]);
    expect(jobs.find('k')?.state).toBe('done');
    expect(callsOf('jobs.create')).toEqual([{ type: 'import-data', params: {}, files: [] }]);
  });

  it('moves the summary counts at once when a job changes state', async () => {
    handle('jobs.counts', () => ({ active: 0, waiting: 1, needsAttention: 0, failed: 0, done: 0, total: 1 }));
    const jobs = useJobsStore();
    await jobs.init();
    emit('job.changed', sampleJob({ id: 'n', type: 'import-data', state: 'uploading' }));
    expect(jobs.counts).toMatchObject({ active: 1, total: 2 });
  });
});
