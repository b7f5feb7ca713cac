import type { JobType } from '../../../shared/jobs';
import { jobKind, type JobKindName } from '../../../shared/job-kinds';
import type { JobPlugin, KindPlugin, KindSchemas } from './plugin';
import { AppError } from '../errors';

/** A registered plugin with the schemas its parameters and result are checked against. */
export interface RegisteredKind {
  plugin: JobPlugin;
  schemas: KindSchemas<Record<string, unknown>, unknown>;
}

/**
 * Which kinds of job this build can run: each a plugin registered once by core.ts, checked against the
 * kind's declaration in shared/job-kinds.ts.
 */
export class JobRegistry {
  private readonly kinds = new Map<JobType, RegisteredKind>();

  register<T extends JobKindName>(plugin: KindPlugin<T>): void {
    const kind = jobKind(plugin.type);
    if (!kind.params) throw new Error(`job type ${plugin.type} is declared without parameters: declare them in shared/job-kinds.ts first`);
    this.add(plugin as unknown as JobPlugin, { params: kind.params as KindSchemas<Record<string, unknown>, unknown>['params'], result: kind.result });
  }

  /** A stand-in plugin with schemas of its own, for tests of the runner under a type name not built yet. */
  registerStandIn<P extends Record<string, unknown>, R>(plugin: JobPlugin<P, R>, schemas: KindSchemas<P, R>): void {
    this.add(plugin as unknown as JobPlugin, schemas as unknown as KindSchemas<Record<string, unknown>, unknown>);
  }

  private add(plugin: JobPlugin, schemas: KindSchemas<Record<string, unknown>, unknown>): void {
    if (this.kinds.has(plugin.type)) throw new Error(`job type ${plugin.type} registered twice`);
    this.kinds.set(plugin.type, { plugin, schemas });
  }

  get(type: JobType): RegisteredKind | undefined {
    return this.kinds.get(type);
  }

  require(type: JobType): RegisteredKind {
    const registered = this.kinds.get(type);
    if (!registered) throw new AppError('JOB_TYPE_UNAVAILABLE', `This version of the app cannot run "${type}" jobs yet.`);
    return registered;
  }

  types(): JobType[] {
    return [...this.kinds.keys()];
  }
}
