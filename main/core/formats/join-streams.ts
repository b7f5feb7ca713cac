import type { Duplex, Readable } from 'node:stream';

/**
 * Pipes `streams` into one another and returns the last. Unlike `pipe`, a failure anywhere reaches the
 * reader of the last stream (translated by `mapError` into something a person can act on), and closing
 * the last stream early closes the file behind it.
 */
export function joinStreams(streams: [Readable, ...Duplex[]], mapError: (error: Error) => Error): Readable {
  const [first, ...rest] = streams;
  const last = rest[rest.length - 1] ?? first;
  let previous: Readable = first;
  for (const next of rest) previous = previous.pipe(next);
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    for (const stream of streams) if (stream !== last) stream.destroy();
    last.destroy(mapError(error));
  };
  for (const stream of streams) stream.on('error', fail);
  last.once('close', () => {
    for (const stream of streams) if (!stream.destroyed) stream.destroy();
  });
  return last;
}
