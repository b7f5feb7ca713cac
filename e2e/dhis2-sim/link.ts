import type { IncomingMessage } from 'node:http';

/**
 * The network between client and server as the simulator models it: what came in (so benchmarks can
 * report bytes on the wire and requests), and optionally a slow uplink shared by every connection.
 * Request bodies are read no faster than the link carries them, so TCP backpressure makes the client
 * wait as it would on a 2 Mbit/s line; answers are small for uploads and are not slowed.
 */

export interface LinkSettings {
  /** Upload speed in bits per second; 0 means unlimited. */
  bitsPerSecond: number;
  /** Round trip added before every API answer, in ms. */
  latencyMs: number;
}

export interface Traffic {
  /** API requests answered or not (control requests are not counted). */
  requests: number;
  /** Bytes of API requests: request line, headers and body, as sent (compressed bodies count compressed). */
  bytesIn: number;
}

export class Link {
  settings: LinkSettings = { bitsPerSecond: 0, latencyMs: 0 };
  readonly traffic: Traffic = { requests: 0, bytesIn: 0 };
  /** When the shared uplink is free again (ms, wall clock). */
  private freeAt = 0;

  constructor(private readonly pause: (ms: number) => Promise<void>) {}

  resetTraffic(): void {
    this.traffic.requests = 0;
    this.traffic.bytesIn = 0;
  }

  /** Counts one API request and its head; the body is counted as it is read through `body()`. */
  countRequest(req: IncomingMessage): void {
    this.traffic.requests++;
    let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}\r\n\r\n`.length;
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) head += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
    this.traffic.bytesIn += head;
  }

  /** The request body, counted, and held back to the link's speed. */
  async *body(req: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of req) {
      this.traffic.bytesIn += chunk.length;
      const bps = this.settings.bitsPerSecond;
      if (bps > 0) {
        const start = Math.max(Date.now(), this.freeAt);
        this.freeAt = start + (chunk.length * 8 * 1000) / bps;
        await this.pause(this.freeAt - Date.now());
      }
      yield chunk;
    }
  }
}

export async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
