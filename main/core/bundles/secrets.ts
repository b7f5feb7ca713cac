import { AppError } from '../errors';

/** Keys no job option should ever have; if one does, the bundle is refused rather than carrying it onto a drive. */
const SECRET_KEY = /password|passwd|secret|token|authori[sz]ation|cookie|api[-_]?key|credential/i;

/**
 * Bundles travel on USB drives that get lost. Job options never hold secrets today; this makes sure a
 * future job type cannot put one on a drive by accident.
 */
export function assertNoSecrets(value: unknown, where: string, path: string[] = []): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertNoSecrets(item, where, [...path, String(i)]));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) {
      throw new AppError(
        'SECRET_IN_BUNDLE',
        `${where} include "${[...path, key].join('.')}", which looks like a password or token; bundles never carry those, so nothing was saved.`,
      );
    }
    assertNoSecrets(inner, where, [...path, key]);
  }
}
