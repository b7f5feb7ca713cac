import { createCore, type Core, type CoreOptions } from '../core/core';
import { resolveDataDir } from '../core/data-dir';
import { APP_VERSION } from '../core/version';

export function openCore(dataDirOption: string | undefined, mode: CoreOptions['mode'] = 'cli', extra: Partial<CoreOptions> = {}): Core {
  return createCore({ dataDir: resolveDataDir(dataDirOption), mode, appVersion: APP_VERSION, ...extra });
}
