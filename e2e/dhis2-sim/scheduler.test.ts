import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DHIS2_241_SCHEDULER, IMMEDIATE_SCHEDULER, TaskManager, type Job } from './tasks';

/** When queued jobs start, as 2.41's JobScheduler starts them; the clock is Vitest's, so nothing here waits. */

describe('TaskManager with 2.41 scheduling', () => {
  beforeEach(() => {
    // 5 s past a 20 s mark of the wall clock.
    vi.useFakeTimers({ now: new Date('2024-03-01T10:00:05.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Schedules a job whose work records its start and ends when `finish` is called. */
  function queue(tasks: TaskManager, type: string, started: Record<string, number>): { job: Job; finish: () => void } {
    const job = tasks.create(type, {});
    let finish: () => void = () => undefined;
    void tasks.schedule(job, () => {
      started[job.id] = Date.now();
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    return { job, finish: () => finish() };
  }

  it('starts a data value import at the next 20 s mark of the wall clock, a metadata import at once', async () => {
    const tasks = new TaskManager(DHIS2_241_SCHEDULER);
    const started: Record<string, number> = {};
    const dv = queue(tasks, 'DATAVALUE_IMPORT', started);
    const md = queue(tasks, 'METADATA_IMPORT', started);
    await vi.advanceTimersByTimeAsync(0);
    expect(started[md.job.id]).toBe(Date.parse('2024-03-01T10:00:05.000Z'));
    expect(dv.job.status).toBe('NOT_STARTED');
    await vi.advanceTimersByTimeAsync(14_999);
    expect(dv.job.status).toBe('NOT_STARTED');
    await vi.advanceTimersByTimeAsync(1);
    expect(started[dv.job.id]).toBe(Date.parse('2024-03-01T10:00:20.000Z'));
    expect(dv.job.status).toBe('RUNNING');
  });

  it('starts one job per type per round, and none while a job of that type runs', async () => {
    const tasks = new TaskManager(DHIS2_241_SCHEDULER);
    const started: Record<string, number> = {};
    const first = queue(tasks, 'DATAVALUE_IMPORT', started);
    const second = queue(tasks, 'DATAVALUE_IMPORT', started);
    const third = queue(tasks, 'DATAVALUE_IMPORT', started);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(started[first.job.id]).toBe(Date.parse('2024-03-01T10:00:20.000Z'));
    // The first still runs at the 40 s mark: nothing starts.
    await vi.advanceTimersByTimeAsync(25_000);
    expect(second.job.status).toBe('NOT_STARTED');
    first.finish();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(second.job.status).toBe('NOT_STARTED');
    await vi.advanceTimersByTimeAsync(1);
    expect(started[second.job.id]).toBe(Date.parse('2024-03-01T10:01:00.000Z'));
    second.finish();
    await vi.advanceTimersByTimeAsync(20_000);
    // Even when free right after a round, the next job waits for the following one.
    expect(started[third.job.id]).toBe(Date.parse('2024-03-01T10:01:20.000Z'));
    third.finish();
    await tasks.idle();
  });

  it('runs metadata imports one after another without waiting for the loop', async () => {
    const tasks = new TaskManager(DHIS2_241_SCHEDULER);
    const started: Record<string, number> = {};
    const a = queue(tasks, 'METADATA_IMPORT', started);
    const b = queue(tasks, 'METADATA_IMPORT', started);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.job.status).toBe('NOT_STARTED');
    a.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(started[b.job.id]).toBe(Date.parse('2024-03-01T10:00:06.000Z'));
    b.finish();
    await tasks.idle();
  });

  it('forgets jobs still waiting for the loop on a restart', async () => {
    const tasks = new TaskManager(DHIS2_241_SCHEDULER);
    const started: Record<string, number> = {};
    const waiting = queue(tasks, 'DATAVALUE_IMPORT', started);
    tasks.restart();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started[waiting.job.id]).toBeUndefined();
    expect(tasks.get(waiting.job.id)).toBeUndefined();
    await tasks.idle();
  });

  it('starts every job at once in immediate mode (tests)', async () => {
    const tasks = new TaskManager(IMMEDIATE_SCHEDULER);
    const started: Record<string, number> = {};
    const dv = queue(tasks, 'DATAVALUE_IMPORT', started);
    await vi.advanceTimersByTimeAsync(0);
    expect(started[dv.job.id]).toBe(Date.parse('2024-03-01T10:00:05.000Z'));
    dv.finish();
    await tasks.idle();
  });
});
