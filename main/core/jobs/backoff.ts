/** Delay before try number `attempt + 1`: base, then threefold each time, capped (CommCare's repeat-record rhythm). */
export function backoffMs(attempt: number, baseSeconds: number, maxSeconds: number): number {
  const seconds = Math.min(maxSeconds, baseSeconds * 3 ** Math.max(0, attempt - 1));
  return seconds * 1000;
}
