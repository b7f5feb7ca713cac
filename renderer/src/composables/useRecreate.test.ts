// @vitest-environment happy-dom
/* eslint-disable vue/one-component-per-file -- each test mounts its own small form around the composable */
import { ImportDataParams } from '@shared/data-import';
import type { FileRef } from '@shared/jobs';
import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import RecreateBanner from '@/components/RecreateBanner.vue';
import { ApiCallError } from '@/bridge/http';
import { restoreOptions } from '@/lib/form-options';
import { useServersStore } from '@/stores/servers';
import { handle, resetFakeBridge } from '@/test/fake-bridge';
import { mountWithApp, testPlugins } from '@/test/mount';
import { sampleFile, sampleJob, sampleServer } from '@/test/samples';
import { useRecreate } from './useRecreate';

vi.mock('@/bridge', () => import('@/test/fake-bridge'));

/** A form with one file and two options, built the way the pages build theirs. */
async function openForm(path: string) {
  const filled: Array<Record<string, unknown>> = [];
  const files: Array<FileRef | null> = [];
  const Form = defineComponent({
    setup() {
      const recreate = useRecreate({
        jobType: 'import-data',
        fill: (params) => {
          const { values, notRestored } = restoreOptions(ImportDataParams.shape, params, { chunkSize: 'Values per request' });
          filled.push(values);
          return notRestored;
        },
        useFile: (file) => files.push(file),
      });
      return () => h(RecreateBanner, { model: recreate, nextStep: 'Then start.', testPrefix: 'form' });
    },
  });
  const plugins = await testPlugins(path);
  const wrapper = mountWithApp(Form, plugins);
  await flushPromises();
  const text = (id: string) => wrapper.find(`[data-testid="form-${id}"]`);
  return { wrapper, filled, files, text, plugins };
}

afterEach(() => {
  resetFakeBridge();
  document.body.innerHTML = '';
});

describe('Recreate, the same on every form', () => {
  it('fills the form and the file from the old job and says where they came from', async () => {
    const file = sampleFile('january.json');
    handle('jobs.recreate', () => ({
      type: 'import-data',
      params: { strategy: 'DELETE', chunkSize: 500 },
      files: [file],
      serverId: null,
      recreatedFrom: 'J1',
    }));
    const { filled, files, text } = await openForm('/?recreate=J1');
    expect(filled).toEqual([{ strategy: 'DELETE', chunkSize: 500 }]);
    expect(files).toEqual([file]);
    expect(text('recreated').text()).toContain('Options copied from job J1. Then start.');
    expect(text('recreate-notice').exists()).toBe(false);
  });

  it('copies the options when only the file is gone, and says the file must be chosen again', async () => {
    handle('jobs.recreate', () => {
      throw new ApiCallError('FILE_MISSING', 'The file "january.json" of this job is no longer in the app\'s store; choose it again.');
    });
    handle('jobs.get', ({ id }) => sampleJob({ id, type: 'import-data', params: { format: 'csv' }, files: [sampleFile('january.json')] }));
    const { filled, files, text } = await openForm('/?recreate=J2');
    expect(filled).toEqual([{ format: 'csv' }]);
    expect(files).toEqual([null]);
    expect(text('recreate-notice').text()).toContain(
      '"january.json" of this job is no longer in the app\'s store; choose it again. The other options are filled in from the old job.',
    );
    expect(text('recreated').text()).toContain('job J2');
    expect(text('recreate-error').exists()).toBe(false);
  });

  it('keeps what today’s schema still accepts and lists what it no longer does', async () => {
    handle('jobs.recreate', () => ({
      type: 'import-data',
      params: { chunkSize: 5, strategy: 'UPDATE', retiredOption: true },
      files: [sampleFile('a.json')],
      serverId: null,
      recreatedFrom: 'J3',
    }));
    const { filled, text } = await openForm('/?recreate=J3');
    expect(filled).toEqual([{ strategy: 'UPDATE' }]);
    const notice = text('recreate-notice');
    expect(notice.findAll('li').map((item) => item.text())).toEqual([
      'Values per request: “5” is no longer accepted, so the default is used.',
      'Retired option: this option no longer exists and was left out.',
    ]);
  });

  it('says when the old job had no file', async () => {
    handle('jobs.recreate', () => ({ type: 'import-data', params: {}, files: [], serverId: null, recreatedFrom: 'J4' }));
    const { text } = await openForm('/?recreate=J4');
    expect(text('recreate-notice').text()).toBe('The old job had no file. Choose the file to import.');
  });

  it('refuses a job of another kind and fills nothing', async () => {
    handle('jobs.recreate', () => ({ type: 'export-data', params: {}, files: [], serverId: null, recreatedFrom: 'J5' }));
    const { filled, text } = await openForm('/?recreate=J5');
    expect(filled).toEqual([]);
    expect(text('recreate-error').text()).toContain('Job J5 is a data export job, not a data import job.');
    expect(text('recreated').exists()).toBe(false);
  });

  it('shows the error when the job itself cannot be found', async () => {
    handle('jobs.recreate', () => {
      throw new ApiCallError('NOT_FOUND', 'Job J6 was not found.');
    });
    const { filled, text } = await openForm('/?recreate=J6');
    expect(filled).toEqual([]);
    expect(text('recreate-error').text()).toContain('Could not copy that job: Job J6 was not found.');
  });

  it('does nothing without ?recreate', async () => {
    const { filled, wrapper } = await openForm('/');
    expect(filled).toEqual([]);
    expect(wrapper.text()).toBe('');
  });

  it('notes that the old job went to a server that is no longer the default, or was removed', async () => {
    handle('jobs.recreate', () => ({ type: 'import-data', params: {}, files: [sampleFile('a.json')], serverId: 'old', recreatedFrom: 'J7' }));
    let captured: ReturnType<typeof useRecreate> | null = null;
    const Probe = defineComponent({
      setup() {
        captured = useRecreate({ jobType: 'import-data', fill: () => [], useFile: () => undefined });
        return () => null;
      },
    });
    const plugins = await testPlugins('/?recreate=J7');
    const servers = useServersStore();
    servers.servers = [sampleServer({ id: 'now', name: 'National', isDefault: true })];
    mountWithApp(Probe, plugins);
    await flushPromises();
    expect(captured!.serverNote).toBe('The old job went to a server that has since been removed; this one goes to the default server.');
    servers.servers = [...servers.servers, sampleServer({ id: 'old', name: 'District' })];
    expect(captured!.serverNote).toBe('The old job went to District; this one goes to the default server.');
  });
});
