// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import ImportButtons from '@/components/ImportButtons.vue';
import ImportJobCard from '@/components/ImportJobCard.vue';
import JobSubmitCard from '@/components/JobSubmitCard.vue';
import { ApiCallError } from '@/bridge/http';
import { useJobsStore } from '@/stores/jobs';
import { useServersStore } from '@/stores/servers';
import { callsOf, emit, handle, resetFakeBridge } from '@/test/fake-bridge';
import { mountWithApp, testPlugins } from '@/test/mount';
import { sampleJob, sampleServer } from '@/test/samples';
import { useJobSubmit } from './useJobSubmit';

vi.mock('@/bridge', () => import('@/test/fake-bridge'));

/** The end of an import form: errors, server line, the two buttons and the job they queued. */
async function openForm(errors: string[] = []) {
  const Form = defineComponent({
    setup() {
      const submit = useJobSubmit<'dry-run' | 'import'>();
      const start = (dryRun: boolean) => {
        submit.attempt(dryRun ? 'dry-run' : 'import');
        if (errors.length > 0) return;
        void submit.trySend(dryRun ? 'dry-run' : 'import', () => ({ type: 'import-data', params: { dryRun }, files: [], serverId: 'srv' }));
      };
      return () =>
        h(
          JobSubmitCard,
          { errors: submit.attempted ? errors : [], direction: 'import', noun: 'job', submitError: submit.error, testPrefix: 'form' },
          {
            default: () =>
              h(ImportButtons, {
                sending: submit.sending,
                blocked: false,
                deleting: false,
                dryRunHint: 'Checks only.',
                unreadable: false,
                testPrefix: 'form',
                onStart: start,
              }),
            job: () => (submit.jobId ? h(ImportJobCard, { jobId: submit.jobId, job: submit.job, testPrefix: 'form' }) : null),
          },
        );
    },
  });
  const plugins = await testPlugins('/');
  useServersStore().servers = [sampleServer({ id: 'srv', name: 'District', isDefault: true })];
  // As at the app's start: the jobs store follows job events from then on.
  handle('jobs.counts', () => ({ active: 0, waiting: 0, needsAttention: 0, failed: 0, done: 0, total: 0 }));
  handle('jobs.list', () => ({ jobs: [], total: 0 }));
  await useJobsStore().init();
  const wrapper = mountWithApp(Form, plugins);
  await flushPromises();
  return wrapper;
}

afterEach(() => {
  resetFakeBridge();
  document.body.innerHTML = '';
});

describe('sending a form as a job and following it', () => {
  it('queues a dry run, then shows the job’s state live as events arrive', async () => {
    handle('jobs.create', (input) => sampleJob({ id: 'q1', type: input.type, state: 'queued', params: input.params }));
    handle('jobs.get', ({ id }) => sampleJob({ id, type: 'import-data', state: 'queued' }));
    const wrapper = await openForm();
    expect(wrapper.find('[data-testid="form-server"]').text()).toMatch(/The job will go to District \(/);
    await wrapper.find('[data-testid="form-dry-run"]').trigger('click');
    await flushPromises();
    expect(callsOf('jobs.create')).toEqual([{ type: 'import-data', params: { dryRun: true }, files: [], serverId: 'srv' }]);
    const state = () => wrapper.find('[data-testid="form-job-state"]');
    expect(wrapper.find('[data-testid="form-queued"]').attributes('data-job-id')).toBe('q1');
    expect(state().attributes('data-state')).toBe('queued');
    emit('job.changed', sampleJob({ id: 'q1', type: 'import-data', state: 'waiting-for-connection', updatedAt: '2025-01-01T11:00:00.000Z' }));
    await flushPromises();
    expect(state().attributes('data-state')).toBe('waiting-for-connection');
    expect(state().text()).toContain('It starts by itself when the server answers.');
  });

  it('shows why the job could not be queued, under the buttons', async () => {
    handle('jobs.create', () => {
      throw new ApiCallError('DISK_FULL', 'The disk is full.');
    });
    const wrapper = await openForm();
    await wrapper.find('[data-testid="form-start"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="form-submit-error"]').text()).toBe('Could not queue the job: The disk is full.');
    expect(wrapper.find('[data-testid="form-queued"]').exists()).toBe(false);
  });

  it('lists what stops the form only once it was pressed, and sends nothing', async () => {
    const wrapper = await openForm(['Choose a data file to import.']);
    expect(wrapper.find('[data-testid="form-form-errors"]').exists()).toBe(false);
    await wrapper.find('[data-testid="form-start"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="form-form-errors"]').text()).toContain('Choose a data file to import.');
    expect(callsOf('jobs.create')).toEqual([]);
  });
});
