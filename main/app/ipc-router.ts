import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { CallResult, UploadOp } from '../../shared/contract';
import type { FileRef } from '../../shared/jobs';
import type { Core } from '../core/core';
import { invoke } from '../core/services';
import { AppError, toApiError } from '../core/errors';
import { isTrustedSender } from './asset-path';

export interface Sender {
  frameUrl: string | undefined;
  isMainFrame: boolean;
}

const MAX_OPEN_UPLOADS = 8;

/**
 * The desktop transport's logic without electron: sender check, contract call, chunked uploads.
 * main/app/electron-main.ts only connects it to ipcMain.
 */
export function createIpcRouter(core: Core) {
  const uploads = new Map<string, { stream: PassThrough; result: Promise<FileRef> }>();

  function refuse(): CallResult {
    return { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: the request did not come from the app window.' } };
  }

  return {
    async call(sender: Sender, name: unknown, input: unknown): Promise<CallResult> {
      if (!isTrustedSender(sender.frameUrl, sender.isMainFrame)) return refuse();
      try {
        return { ok: true, result: await invoke(core, String(name), input) };
      } catch (error) {
        if (!(error instanceof AppError)) core.log.error(`ipc call ${String(name)}`, error);
        return { ok: false, error: toApiError(error) };
      }
    },

    async upload(sender: Sender, op: UploadOp): Promise<CallResult> {
      if (!isTrustedSender(sender.frameUrl, sender.isMainFrame)) return refuse();
      try {
        switch (op?.op) {
          case 'begin': {
            if (uploads.size >= MAX_OPEN_UPLOADS)
              throw new AppError('TOO_MANY_UPLOADS', 'Too many files are being added at once; wait for the others to finish.');
            const id = randomUUID();
            const stream = new PassThrough();
            const result = core.upload(stream, String(op.name));
            result.catch(() => undefined);
            uploads.set(id, { stream, result });
            return { ok: true, result: id };
          }
          case 'chunk': {
            const upload = uploads.get(String(op.id));
            if (!upload || !(op.bytes instanceof Uint8Array)) throw new AppError('UPLOAD_UNKNOWN', 'This upload is not open.');
            if (!upload.stream.write(op.bytes)) await new Promise((resolve) => upload.stream.once('drain', resolve));
            return { ok: true, result: true };
          }
          case 'end': {
            const upload = uploads.get(String(op.id));
            if (!upload) throw new AppError('UPLOAD_UNKNOWN', 'This upload is not open.');
            uploads.delete(String(op.id));
            upload.stream.end();
            return { ok: true, result: await upload.result };
          }
          case 'abort': {
            const upload = uploads.get(String(op.id));
            uploads.delete(String(op.id));
            upload?.stream.destroy(new AppError('UPLOAD_ABORTED', 'The upload was stopped.'));
            return { ok: true, result: true };
          }
          default:
            throw new AppError('INVALID_INPUT', 'Unknown upload step.');
        }
      } catch (error) {
        return { ok: false, error: toApiError(error) };
      }
    },
  };
}
