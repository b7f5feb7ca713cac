import { appendFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LOG_BYTES = 5 * 1024 * 1024;

/** Strips anything that looks like a credential before a line reaches the disk. */
export function redact(text: string): string {
  return text
    .replace(/(Authorization["']?\s*[:=]\s*["']?)(Basic|ApiToken|Bearer)\s+[^\s"',}]+/gi, '$1$2 [redacted]')
    .replace(/\bd2pa?t?_[A-Za-z0-9]{20,}/g, '[redacted token]')
    .replace(/("?(password|token|secret)"?\s*[:=]\s*)"[^"]*"/gi, '$1"[redacted]"');
}

/** The app's own diagnostic log (not the per-job log the user sees). One file, rotated once. */
export class AppLog {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly echo = false,
  ) {
    this.file = join(dataDir, 'logs', 'app.log');
  }

  info(message: string): void {
    this.write('INFO', message);
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : error === undefined ? '' : String(error);
    this.write('ERROR', detail ? `${message}: ${detail}` : message);
  }

  private write(level: string, message: string): void {
    const line = `${new Date().toISOString()} ${level} ${redact(message)}\n`;
    try {
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, line);
    } catch {
      // Logging must never take the app down (read-only disk, full USB stick).
    }
    if (this.echo) process.stderr.write(line);
  }
}
