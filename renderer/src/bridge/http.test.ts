import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpApi, EVENT_STREAM_RETRY_MS } from './http';

/** Just enough of EventSource to play the browser's part: open, message, error, close. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static made: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.made.push(this);
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  emit(name: string, payload: unknown) {
    this.onmessage?.({ data: JSON.stringify({ name, payload }) });
  }
  /** A network cut: the browser keeps the object and reconnects by itself. */
  drop() {
    this.readyState = FakeEventSource.CONNECTING;
    this.onerror?.();
  }
  /** An HTTP error on reconnect: the browser gives up on this object. */
  fail() {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

describe('browser-mode event stream', () => {
  beforeEach(() => {
    FakeEventSource.made = [];
    vi.stubGlobal('EventSource', FakeEventSource);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('asks the stores to reload after the stream comes back, not on the first open', () => {
    const api = createHttpApi('http://127.0.0.1:1');
    const resync = vi.fn();
    const changed = vi.fn();
    api.on('servers.changed', changed);
    api.onResync(resync);
    const stream = FakeEventSource.made[0]!;
    stream.open();
    expect(resync).not.toHaveBeenCalled();
    stream.emit('servers.changed', {});
    expect(changed).toHaveBeenCalledTimes(1);

    stream.drop();
    stream.open();
    expect(resync).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.made).toHaveLength(1);
  });

  it('opens a new stream when the browser gave up on the old one, then resyncs and delivers events again', () => {
    const api = createHttpApi('http://127.0.0.1:1');
    const resync = vi.fn();
    const changed = vi.fn();
    api.on('servers.changed', changed);
    const stop = api.onResync(resync);
    FakeEventSource.made[0]!.open();
    FakeEventSource.made[0]!.fail();
    expect(FakeEventSource.made).toHaveLength(1);

    vi.advanceTimersByTime(EVENT_STREAM_RETRY_MS);
    expect(FakeEventSource.made).toHaveLength(2);
    const second = FakeEventSource.made[1]!;
    second.open();
    expect(resync).toHaveBeenCalledTimes(1);
    second.emit('servers.changed', {});
    expect(changed).toHaveBeenCalledTimes(1);

    stop();
    second.drop();
    second.open();
    expect(resync).toHaveBeenCalledTimes(1);
  });
});
