import { ApiCallError } from '@/bridge/http';

/** What the page shows when something goes wrong: a code for support, and words for people. */
export interface UserError {
  code: string;
  message: string;
}

function hasCodeAndMessage(value: unknown): value is UserError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Errors from main already carry plain words. The desktop bridge lives in another bundle, so its
 * errors are recognised by shape, not by class. Anything else is a bug on our side: keep its
 * message (never its stack) so the user has something to report.
 */
export function toUserError(error: unknown): UserError {
  if (error instanceof ApiCallError || hasCodeAndMessage(error)) {
    return { code: error.code, message: error.message || 'Something went wrong.' };
  }
  if (error instanceof Error && error.message) {
    return { code: 'UNEXPECTED', message: `Something went wrong: ${error.message}` };
  }
  return { code: 'UNEXPECTED', message: 'Something went wrong.' };
}
