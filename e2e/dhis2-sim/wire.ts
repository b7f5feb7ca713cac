import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isStreamBody, type SimResponse } from './respond';

/** Bytes in and out of node:http, kept apart from what the simulator decides to answer. */

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function bodyBytes(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Status and headers; without a length the body goes chunked. */
export function writeHead(res: ServerResponse, response: SimResponse, length: number | null): void {
  res.statusCode = response.status;
  if (response.statusMessage !== undefined) res.statusMessage = response.statusMessage;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (length !== null) res.setHeader('Content-Length', length);
}

/** Sends the answer; a streamed body that fails half way cuts the connection, as a servlet that throws after committing does. */
export function send(res: ServerResponse, response: SimResponse): Promise<void> {
  const body = response.body;
  if (isStreamBody(body)) {
    writeHead(res, response, null);
    return new Promise((resolve) => {
      body.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        body.destroy();
        resolve();
      });
      body.pipe(res);
    });
  }
  const bytes = bodyBytes(body);
  writeHead(res, response, bytes.length);
  res.end(bytes);
  return Promise.resolve();
}

/** Headers promising the whole body, then part of it, then the connection goes: a client sees a truncated answer. */
export async function sendTruncated(res: ServerResponse, response: SimResponse, afterBytes: number): Promise<void> {
  const body = response.body;
  if (isStreamBody(body)) {
    writeHead(res, response, null);
    res.flushHeaders();
    let sent = 0;
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const bytes = bodyBytes(chunk);
      const room = afterBytes - sent;
      if (room <= 0) break;
      const part = bytes.subarray(0, room);
      sent += part.length;
      await new Promise<void>((resolve) => res.write(part, () => resolve()));
    }
    body.destroy();
    res.socket?.destroy();
    return;
  }
  const bytes = bodyBytes(body);
  writeHead(res, response, bytes.length);
  const part = bytes.subarray(0, Math.min(afterBytes, Math.max(0, bytes.length - 1)));
  res.flushHeaders();
  res.write(part, () => res.socket?.destroy());
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
