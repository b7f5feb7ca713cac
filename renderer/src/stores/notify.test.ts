import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useNotifyStore } from './notify';

beforeEach(() => setActivePinia(createPinia()));

describe('the notices store', () => {
  it('shows a repeated failure once and keeps errors until dismissed', () => {
    const notify = useNotifyStore();
    notify.error({ code: 'OFFLINE', message: 'The app does not answer.' }, 'Could not count the jobs');
    notify.error({ code: 'OFFLINE', message: 'The app does not answer.' }, 'Could not count the jobs');
    notify.success('Saved.');
    notify.success('Saved again.');
    expect(notify.notices.map((notice) => notice.text)).toEqual(['Could not count the jobs: The app does not answer.', 'Saved again.']);
    notify.dismiss(notify.notices[0]!.id);
    expect(notify.notices.map((notice) => notice.kind)).toEqual(['success']);
  });
});
