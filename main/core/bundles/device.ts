import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SettingsRepo } from '../db/settings-repo';
import { DeviceName, type DeviceIdentity } from '../../../shared/bundles';
import { AppError } from '../errors';

const ID_KEY = 'bundles.deviceId';
const NAME_KEY = 'bundles.deviceName';

/**
 * The laptop's identity in bundles: an id made once per data folder (a copied data folder is the
 * same laptop as far as the queue is concerned, which is right: it holds the same jobs), and a name.
 */
export class DeviceIdentityStore {
  constructor(private readonly settings: SettingsRepo) {}

  get(): DeviceIdentity {
    let deviceId = this.settings.getInternal(ID_KEY);
    if (!deviceId) {
      deviceId = randomUUID();
      this.settings.setInternal(ID_KEY, deviceId);
    }
    const name = this.settings.getInternal(NAME_KEY) ?? (hostname().trim().slice(0, 100) || 'This laptop');
    return { deviceId, name };
  }

  setName(name: string): DeviceIdentity {
    const parsed = DeviceName.safeParse(name);
    if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Give this laptop a name.');
    this.settings.setInternal(NAME_KEY, parsed.data);
    return this.get();
  }
}
