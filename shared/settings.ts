import { z } from 'zod';

export const Settings = z.object({
  /** How often the connectivity monitor pings each server, in seconds. */
  pingIntervalSeconds: z.number().int().min(5).max(3600),
  /** How long one ping may take before the server counts as offline, in milliseconds. */
  pingTimeoutMs: z.number().int().min(500).max(120_000),
  /** Tries before a job that keeps failing is marked failed. */
  maxAttempts: z.number().int().min(1).max(50),
  /** First retry delay; later ones grow threefold up to retryMaxSeconds. */
  retryBaseSeconds: z.number().int().min(1).max(3600),
  retryMaxSeconds: z.number().int().min(1).max(86_400),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  pingIntervalSeconds: 30,
  pingTimeoutMs: 10_000,
  maxAttempts: 5,
  retryBaseSeconds: 10,
  retryMaxSeconds: 900,
};

export const SettingsUpdate = Settings.partial();
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;
