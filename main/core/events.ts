import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../shared/contract';

/** Typed in-process bus for the contract's events; both transports subscribe to `onAny`. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each browser tab and IPC window adds a listener; the default cap of 10 is too low for a district LAN.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.emitter.emit(name, payload);
    this.emitter.emit('*', name, payload);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  onAny(listener: (name: EventName, payload: unknown) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }
}
