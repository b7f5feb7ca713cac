import type { JobType } from '../../../shared/jobs';
import type { JobPlugin } from './plugin';
import { AppError } from '../errors';

/** Which job types this build can run. A new job type is one plugin module registered here by core.ts. */
export class JobRegistry {
  private readonly plugins = new Map<JobType, JobPlugin<Record<string, unknown>>>();

  register<P extends Record<string, unknown>>(plugin: JobPlugin<P>): void {
    if (this.plugins.has(plugin.type)) throw new Error(`job type ${plugin.type} registered twice`);
    this.plugins.set(plugin.type, plugin as unknown as JobPlugin<Record<string, unknown>>);
  }

  get(type: JobType): JobPlugin<Record<string, unknown>> | undefined {
    return this.plugins.get(type);
  }

  require(type: JobType): JobPlugin<Record<string, unknown>> {
    const plugin = this.plugins.get(type);
    if (!plugin) throw new AppError('JOB_TYPE_UNAVAILABLE', `This version of the app cannot run "${type}" jobs yet.`);
    return plugin;
  }

  types(): JobType[] {
    return [...this.plugins.keys()];
  }
}
