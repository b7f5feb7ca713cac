import type { ApiError } from '../../shared/contract';

/**
 * An error meant for people. `code` is stable for programs and tests; `message` says what went
 * wrong and, where we can tell, what to do about it.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `${what} "${id}" does not exist (it may have been removed).`);
}

/** What crosses a transport. Unknown errors keep their message out of the UI but not out of the log. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof AppError) {
    return error.details === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, details: error.details };
  }
  return {
    code: 'INTERNAL',
    message: 'Something went wrong inside the app. The details are in the app log; please report them.',
  };
}
