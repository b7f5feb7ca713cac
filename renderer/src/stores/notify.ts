import { defineStore } from 'pinia';
import { ref } from 'vue';
import { toUserError } from '@/lib/errors';

export type NoticeKind = 'error' | 'success' | 'info';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

/**
 * One place for messages that are not tied to a form: background refreshes, list actions.
 * Errors stay until dismissed, because an officer may be looking away when one arrives.
 */
export const useNotifyStore = defineStore('notify', () => {
  const notices = ref<Notice[]>([]);
  let nextId = 1;

  function push(kind: NoticeKind, text: string) {
    // The same failure repeating (e.g. every refresh while the app host is down) shows once.
    if (notices.value.some((notice) => notice.kind === kind && notice.text === text)) return;
    // Good news is only worth its latest line; errors queue so none is lost.
    const kept = kind === 'error' ? notices.value : notices.value.filter((notice) => notice.kind === 'error');
    notices.value = [...kept, { id: nextId++, kind, text }];
  }

  function error(err: unknown, context?: string) {
    const { message } = toUserError(err);
    push('error', context ? `${context}: ${message}` : message);
  }

  function success(text: string) {
    push('success', text);
  }

  function info(text: string) {
    push('info', text);
  }

  function dismiss(id: number) {
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  return { notices, error, success, info, dismiss };
});
