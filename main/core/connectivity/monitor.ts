import type { Connectivity } from '../../../shared/servers';
import type { Settings } from '../../../shared/settings';
import type { ServerService } from '../servers/server-service';
import type { EventBus } from '../events';
import type { ConnectivityView } from '../jobs/runner';
import { classifyError, type Dhis2Error } from '../dhis2/errors';
import { nowIso } from '../time';

/**
 * Pings every server (GET /api/system/ping, with the server's credentials: DHIS2 2.41-2.43 require
 * them there) on an interval and announces changes. A server coming online wakes the job queue;
 * nothing else polls the network. A server that answers but refuses the sign-in counts as online
 * (it is reachable) with the refusal as its error, so jobs run and stop on it with a clear message.
 */
export class ConnectivityMonitor implements ConnectivityView {
  private readonly states = new Map<string, Connectivity>();
  private readonly inFlight = new Map<string, Promise<Connectivity>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Set by stop() (not merely never started): the database may be closed by the time a check ends. */
  private halted = false;
  /** Cuts the checks under way short when the monitor stops: closing the app must not wait for a silent server. */
  private cancel = new AbortController();

  constructor(
    private readonly servers: ServerService,
    private readonly bus: EventBus,
    private readonly settings: () => Settings,
    private readonly onOnline: () => void,
  ) {
    bus.on('servers.changed', () => {
      if (!this.stopped) void this.checkAll();
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.cancel = new AbortController();
    void this.loop();
  }

  /** Resolves once no check is under way: a check finishing later would read a database that is closed by then. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.cancel.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** After the interval setting changes: check now and continue on the new rhythm. */
  reschedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    void this.loop();
  }

  isOnline(serverId: string): boolean | null {
    return this.states.get(serverId)?.online ?? null;
  }

  reportUnreachable(serverId: string): void {
    this.update({ serverId, online: false, checkedAt: nowIso(), error: 'A request from a job did not get through.' });
    // Check again soon rather than waiting for the next interval: the drop may have been brief.
    setTimeout(() => void (this.halted || this.check(serverId)), 2000).unref?.();
  }

  status(): Connectivity[] {
    const known = new Set(this.servers.list().map((s) => s.id));
    for (const id of this.states.keys()) if (!known.has(id)) this.states.delete(id);
    return this.servers.list().map((s) => this.states.get(s.id) ?? { serverId: s.id, online: false, checkedAt: null, error: 'Not checked yet' });
  }

  async checkAll(): Promise<Connectivity[]> {
    await Promise.all(this.servers.list().map((s) => this.check(s.id)));
    // Stopped while the checks ran: the database may be closed now, so the list is not read again.
    if (this.halted) return [...this.states.values()];
    return this.status();
  }

  check(serverId: string): Promise<Connectivity> {
    const pending = this.inFlight.get(serverId);
    if (pending) return pending;
    const run = this.ping(serverId).finally(() => this.inFlight.delete(serverId));
    this.inFlight.set(serverId, run);
    return run;
  }

  private async ping(serverId: string): Promise<Connectivity> {
    let result: Connectivity;
    try {
      const client = await this.servers.clientFor(serverId);
      await client.ping(this.cancel.signal, this.settings().pingTimeoutMs);
      result = { serverId, online: true, checkedAt: nowIso(), error: null };
    } catch (error) {
      let failure: Dhis2Error | null = null;
      try {
        failure = classifyError(error, this.servers.get(serverId).url);
      } catch {
        // The server was removed while the ping was under way.
      }
      const reachable = failure !== null && failure.kind === 'fix' && failure.status !== null && failure.status !== 404;
      result = { serverId, online: reachable, checkedAt: nowIso(), error: failure?.message ?? (error instanceof Error ? error.message : String(error)) };
    }
    this.update(result);
    return result;
  }

  private update(next: Connectivity): void {
    const before = this.states.get(next.serverId);
    this.states.set(next.serverId, next);
    if (before?.online !== next.online || before?.error !== next.error) this.bus.emit('connectivity.changed', next);
    if (next.online && before?.online !== true) this.onOnline();
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.checkAll();
    } finally {
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.loop(), this.settings().pingIntervalSeconds * 1000);
        this.timer.unref?.();
      }
    }
  }
}
