import type { FileRef } from '../../shared/jobs';

/**
 * What only the desktop shell can do, offered to core as small interfaces. Browser mode and the
 * CLI leave them out, and the calls that need them say so instead of failing obscurely.
 */
export interface DialogsPort {
  /** Opens the native file chooser and returns the chosen paths (empty when the user cancels). */
  openFiles(options: { title?: string }): Promise<string[]>;
  /** Opens the native folder chooser; null when the user cancels. */
  chooseFolder(options: { title?: string; defaultPath?: string }): Promise<string | null>;
}

export type { FileRef };
