import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Text is gathered into chunks of about this size before it is handed to the output. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes text to a stream in sizeable chunks and waits whenever the stream asks to (backpressure), so a
 * slow USB drive slows the writer down instead of filling memory. The first error of the output is
 * thrown from the next `write` or from `end`.
 */
export class TextSink {
  private parts: string[] = [];
  private size = 0;
  private failure: Error | null = null;

  constructor(private readonly output: Writable) {
    output.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.flush();
  }

  /** Writes what is left, ends the output and waits until it has taken everything. */
  async end(): Promise<void> {
    this.check();
    const rest = this.take();
    this.output.end(rest === '' ? undefined : Buffer.from(rest, 'utf8'));
    await finished(this.output);
    this.check();
  }

  private async flush(): Promise<void> {
    this.check();
    if (this.output.write(Buffer.from(this.take(), 'utf8'))) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        this.output.off('drain', onDrain);
        this.output.off('error', onError);
        this.output.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error: Error) => done(error);
      const onClose = () => done(this.failure ?? new Error('the output was closed before all data values were written'));
      this.output.on('drain', onDrain);
      this.output.on('error', onError);
      this.output.on('close', onClose);
    });
  }

  private take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return text;
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
