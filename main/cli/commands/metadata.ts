import { basename, resolve } from 'node:path';
import { JOB_STATE_LABELS, TERMINAL_STATES, type Job } from '../../../shared/jobs';
import type { MetadataStatus } from '../../../shared/contract';
import { METADATA_TYPE_LABELS, type MetadataType } from '../../core/metadata/model';
import type { Core } from '../../core/core';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { localTime, printJson, type Output } from '../output';

export const METADATA_HELP = `dhis2-ie metadata status [--server S] [--json]
    The offline metadata per server: where it came from, how old it is, what it holds.
dhis2-ie metadata sync [--server S] [--json]
    Pulls the metadata offline checks need from the server (no --server: the default server).
    Runs here and prints progress, unless the app is already running jobs on this data folder:
    then the sync is queued for it.
dhis2-ie metadata load FILE [--server S] [--json]
    Loads a DHIS2 metadata export (.json, .json.gz or .json.zip), e.g. from a USB drive,
    for the server (no --server: the default server, or none when none is set up).`;

export async function metadataCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, { server: { type: 'string' } });
  const [action, file, ...extra] = positionals;
  if (values.help || !action) return (void output.out(METADATA_HELP), action ? 0 : 2);
  if (!['status', 'sync', 'load'].includes(action)) throw new UsageError(`Unknown metadata action "${action}". Use status, sync or load.`);
  if (action === 'load' && !file) throw new UsageError('metadata load needs the file to load, e.g. dhis2-ie metadata load E:\\metadata.json.zip');
  if ((action === 'load' && extra.length > 0) || (action !== 'load' && file !== undefined)) {
    throw new UsageError(`Unexpected argument "${action === 'load' ? extra[0] : file}".`);
  }
  const core = openCore(values['data-dir'], 'cli', { readOnly: action === 'status' });
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : undefined;
    switch (action) {
      case 'status': {
        const statuses = core.metadata.status(serverId);
        if (values.json) return (printJson(output, statuses), 0);
        if (statuses.length === 0) return (output.out('No servers and no offline metadata yet. Load a file with: dhis2-ie metadata load FILE'), 0);
        output.out(statuses.map(describeStatus).join('\n\n'));
        return 0;
      }
      case 'load': {
        const path = resolve(file!);
        const { status, report } = await core.metadata.loadPath(path, basename(path), serverId);
        if (values.json) return (printJson(output, { ...status, compression: report.compression }), 0);
        output.out(`Loaded "${basename(path)}"${status.serverName ? ` for "${status.serverName}"` : ' (not tied to a server)'}.`);
        output.out(describeStatus(status));
        return 0;
      }
      default:
        return await sync(core, serverId, values.json, output);
    }
  } finally {
    await core.close();
  }
}

/** Queues the job, then runs the runner here until the job settles, unless another process runs jobs on this folder. */
async function sync(core: Core, serverId: string | undefined, json: boolean, output: Output): Promise<number> {
  const queued = core.metadata.requestSync(serverId);
  const server = core.servers.get(queued.serverId ?? core.servers.resolve().id);
  let lastMessage = '';
  const print = (text: string) => {
    if (!json && text !== lastMessage) output.out(text);
    lastMessage = text;
  };
  print(`Metadata sync of "${server.name}" (${server.url}) queued as job ${queued.id.slice(0, 8)}.`);

  const settled = new Promise<Job>((resolveJob) => {
    // It may have settled before this process looked (a sync another process finished).
    if (isSettled(queued)) return resolveJob(queued);
    const stop = core.bus.on('job.changed', (job) => {
      if (job.id !== queued.id) return;
      if (job.progress && job.state === 'running') print(`  ${job.progress.message}`);
      if (isSettled(job)) {
        stop();
        resolveJob(job);
      }
    });
  });

  core.runner.start();
  // The runner takes its lock on its first tick; give it that tick before asking.
  await new Promise((resolveTick) => setTimeout(resolveTick, 50));
  if (!core.runner.isActive) {
    const message =
      'The app (or another dhis2-ie command) is running jobs on this data folder; it will run this sync. Follow it in the Job overview or with: dhis2-ie jobs';
    if (json) printJson(output, { job: core.jobs.require(queued.id), runHere: false, message });
    else output.out(message);
    return 0;
  }
  const job = await settled;
  if (json) {
    printJson(output, { job, runHere: true, status: job.state === 'done' ? core.metadata.status(job.serverId ?? undefined)[0] : undefined });
  } else if (job.state === 'done') {
    const [status] = core.metadata.status(job.serverId ?? undefined);
    output.out('Done.');
    if (status) output.out(describeStatus(status));
  } else if (job.state === 'waiting-for-connection' || job.state === 'queued') {
    output.out(
      `${JOB_STATE_LABELS[job.state]}: ${job.error?.message ?? 'the sync could not finish now.'} It stays queued; the app continues it${job.nextAttemptAt ? ` after ${localTime(job.nextAttemptAt)}` : ' when the server answers'}.`,
    );
  } else {
    output.err(`Metadata sync ${JOB_STATE_LABELS[job.state].toLowerCase()}: ${job.error?.message ?? 'no reason given'}`);
  }
  return job.state === 'done' ? 0 : 1;
}

/** Done, failed, or parked until later (no connection, a retry scheduled): nothing more happens in this run. */
function isSettled(job: Job): boolean {
  if (TERMINAL_STATES.includes(job.state)) return true;
  if (job.state === 'waiting-for-connection') return true;
  return job.state === 'queued' && job.nextAttemptAt !== null && job.attempts > 0;
}

/** The order people think in: where, what is reported, how it is broken down. */
const COUNT_ORDER: MetadataType[] = [
  'organisationUnits',
  'dataSets',
  'dataElements',
  'categoryCombos',
  'categories',
  'categoryOptions',
  'categoryOptionCombos',
  'optionSets',
  'attributes',
];

function count(n: number, type: MetadataType): string {
  return `${n.toLocaleString('en')} ${n === 1 ? METADATA_TYPE_LABELS[type].one : METADATA_TYPE_LABELS[type].many}`;
}

function describeStatus(status: MetadataStatus): string {
  const title = status.serverId ? `${status.serverName ?? status.serverId}` : 'No server (loaded from a file)';
  const snapshot = status.snapshot;
  if (!snapshot) return `${title}\n  no offline metadata yet (dhis2-ie metadata sync${status.serverName ? ` --server "${status.serverName}"` : ''})`;
  const lines = [
    title,
    `  metadata as of ${localTime(snapshot.takenAt)}, from ${snapshot.source === 'server' ? 'the server' : 'the file'} ${snapshot.label}`,
    `  DHIS2 ${snapshot.version ?? 'version unknown'}${snapshot.username ? `, user ${snapshot.username}` : ''}, loaded ${localTime(snapshot.loadedAt)}`,
    `  ${COUNT_ORDER.map((type) => count(snapshot.counts[type] ?? 0, type)).join(', ')}`,
    ...snapshot.notes.map((note) => `  note: ${note}`),
  ];
  return lines.join('\n');
}
