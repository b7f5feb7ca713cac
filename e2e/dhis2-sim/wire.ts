import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { SimResponse } from './respond';

/** Bytes in and out of node:http, kept apart from what the simulator decides to answer. */

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function bodyBytes(response: SimResponse): Buffer {
  return typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
}

export function writeHead(res: ServerResponse, response: SimResponse, length: number): void {
  res.statusCode = response.status;
  if (response.statusMessage !== undefined) res.statusMessage = response.statusMessage;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', length);
}

export function send(res: ServerResponse, response: SimResponse): void {
  const bytes = bodyBytes(response);
  writeHead(res, response, bytes.length);
  res.end(bytes);
}

/** Headers promising the whole body, then part of it, then the connection goes: a client sees a truncated answer. */
export function sendTruncated(res: ServerResponse, response: SimResponse, afterBytes: number): void {
  const bytes = bodyBytes(response);
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
