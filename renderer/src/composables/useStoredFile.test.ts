// @vitest-environment happy-dom
import type { FileRef } from '@shared/jobs';
import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref, type Ref } from 'vue';
import InspectionCard from '@/components/InspectionCard.vue';
import StoredFileField from '@/components/StoredFileField.vue';
import { ApiCallError } from '@/bridge/http';
import { handle, handleUpload, resetFakeBridge } from '@/test/fake-bridge';
import { mountWithApp, testPlugins } from '@/test/mount';
import { sampleFile } from '@/test/samples';
import { INSPECT_DELAY_MS, useInspection } from './useInspection';
import { useStoredFile } from './useStoredFile';

vi.mock('@/bridge', () => import('@/test/fake-bridge'));

/** The file field and the inspection card wired as the import pages wire them. */
async function openForm(options: { option?: Ref<string>; inspect?: (option: string) => Promise<{ lines: number }> } = {}) {
  const changes: Array<FileRef | null> = [];
  let stored: ReturnType<typeof useStoredFile> | null = null;
  let inspection: ReturnType<typeof useInspection<{ option: string }, { lines: number }>> | null = null;
  const Form = defineComponent({
    setup() {
      stored = useStoredFile({
        pickTitle: 'Choose',
        onChange: (file) => {
          changes.push(file);
          inspection!.clear();
          if (file) void inspection!.run();
        },
      });
      inspection = useInspection({
        file: () => stored!.file,
        params: () => ({ option: options.option?.value ?? 'a' }),
        serverId: () => null,
        inspect: (input) => options.inspect?.(input.params.option) ?? Promise.resolve({ lines: input.file.size }),
      });
      return () => [
        h(StoredFileField, { model: stored!, label: 'Data file', hint: 'Any', requiredMessage: 'Choose a file.', testPrefix: 'form' }),
        h(
          InspectionCard,
          {
            title: 'What is in the file',
            running: inspection!.running,
            error: inspection!.error,
            done: inspection!.result !== null,
            hasFile: stored!.file !== null,
            uploading: stored!.upload !== null,
            hasMetadata: false,
            emptyText: 'Choose a file first.',
            testPrefix: 'form',
            onAgain: () => void inspection!.run(),
          },
          () => (inspection!.result ? h('p', { 'data-testid': 'lines' }, String(inspection!.result.lines)) : null),
        ),
      ];
    },
  });
  const wrapper = mountWithApp(Form, await testPlugins('/'));
  await flushPromises();
  return { wrapper, changes, stored: () => stored!, inspection: () => inspection! };
}

afterEach(() => {
  resetFakeBridge();
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('the file a form sends', () => {
  it('uploads the chosen file with progress, then shows it stored and looks into it', async () => {
    const ref = { ...sampleFile('january.json'), size: 42 };
    let finish: (file: FileRef) => void = () => undefined;
    handleUpload((_blob, _name, onProgress) => {
      onProgress?.(10);
      return new Promise((resolve) => (finish = resolve));
    });
    const { wrapper, changes, stored } = await openForm();
    expect(wrapper.find('[data-testid="form-inspection"]').text()).toContain('Choose a file first.');

    stored().onChosen(new File(['x'.repeat(20)], 'january.json'));
    await flushPromises();
    const progress = wrapper.find('[data-testid="form-upload-progress"]');
    expect(progress.text()).toContain('Uploading january.json to the app…');
    expect(progress.text()).toContain('50%');

    finish(ref);
    await flushPromises();
    expect(changes).toEqual([ref]);
    expect(wrapper.find('[data-testid="form-file-name"]').text()).toBe('january.json');
    expect(wrapper.find('[data-testid="form-upload-progress"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="lines"]').text()).toBe('42');
    expect(wrapper.find('[data-testid="form-inspection"]').attributes('data-state')).toBe('done');
  });

  it('says why a file could not be stored, and keeps no file', async () => {
    handleUpload(() => Promise.reject(new ApiCallError('DISK_FULL', 'The disk is full.')));
    const { wrapper, changes, stored } = await openForm();
    stored().onChosen(new File(['x'], 'big.json'));
    await flushPromises();
    expect(wrapper.find('[data-testid="form-upload-error"]').text()).toBe('Could not store the file: The disk is full.');
    expect(changes).toEqual([]);
    expect(stored().file).toBeNull();
  });

  it('forgets the file and what was found in it on Remove', async () => {
    handleUpload(() => Promise.resolve(sampleFile('a.json')));
    const { wrapper, changes, stored } = await openForm();
    stored().onChosen(new File(['x'], 'a.json'));
    await flushPromises();
    await wrapper.find('[data-testid="form-file-clear"]').trigger('click');
    await flushPromises();
    expect(changes.at(-1)).toBeNull();
    expect(wrapper.find('[data-testid="form-file-stored"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="lines"]').exists()).toBe(false);
  });

  it('uses the desktop’s file dialog through files.pick', async () => {
    const picked = sampleFile('picked.csv');
    handle('files.pick', () => [picked]);
    const { changes, stored } = await openForm();
    await stored().pick();
    expect(changes).toEqual([picked]);
  });
});

describe('looking into the file', () => {
  it('looks again once after a burst of option changes, with the last one', async () => {
    vi.useFakeTimers();
    handleUpload(() => Promise.resolve(sampleFile('a.json')));
    const option = ref('a');
    const asked: string[] = [];
    const { stored } = await openForm({ option, inspect: (value) => (asked.push(value), Promise.resolve({ lines: 1 })) });
    stored().onChosen(new File(['x'], 'a.json'));
    await flushPromises();
    expect(asked).toEqual(['a']);
    option.value = 'b';
    await flushPromises();
    option.value = 'c';
    await flushPromises();
    expect(asked).toEqual(['a']);
    vi.advanceTimersByTime(INSPECT_DELAY_MS);
    await flushPromises();
    expect(asked).toEqual(['a', 'c']);
  });

  it('shows a failed look with Try again, which looks again', async () => {
    handleUpload(() => Promise.resolve(sampleFile('a.json')));
    let fail = true;
    const { wrapper, stored } = await openForm({
      inspect: () => (fail ? Promise.reject(new ApiCallError('UNREADABLE', 'The file is not JSON.')) : Promise.resolve({ lines: 7 })),
    });
    stored().onChosen(new File(['x'], 'a.json'));
    await flushPromises();
    const failed = wrapper.find('[data-testid="form-inspect-failed"]');
    expect(failed.text()).toContain('Could not look into the file: The file is not JSON.');
    fail = false;
    await failed.find('button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="form-inspect-failed"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="lines"]').text()).toBe('7');
  });
});
