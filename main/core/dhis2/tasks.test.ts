import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Dhis2Client } from './client';
import { waitForTask } from './tasks';

/** How waitForTask paces its polls; the clock is Vitest's, so nothing here waits. */

describe('waitForTask', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls soon after the job starts, then less and less often', async () => {
    const polls: number[] = [];
    const started = Date.now();
    const client = {
      getJson: () => {
        polls.push(Date.now() - started);
        return Promise.resolve([]);
      },
    } as unknown as Dhis2Client;
    const controller = new AbortController();
    const waiting = waitForTask(client, 'METADATA_IMPORT', 'job1', { signal: controller.signal }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(2_100);
    controller.abort();
    await waiting;
    expect(polls).toEqual([0, 250, 625, 1_188, 2_033]);
  });
});
