import { methods, type MethodName, type MethodOutput, type MethodParsedInput } from '../../shared/contract';
import type { CoreParts } from './core-parts';
import type { DialogsPort } from './ports';
import { AppError, notFound } from './errors';
import { basename } from 'node:path';
import { ImportDataParams } from '../../shared/data-import';
import { inspectDataFile } from './datavalues/inspect';
import { DataFileDoor } from './datavalues/door';
import { inspectMetadataFile } from './metadata-import/open-file';
import { checkDataFile } from './datavalues/check-file';
import { rememberQueuedCheck } from './datavalues/check-memo';
import { localIsoDate } from './periods/iso-dates';
import { listMetadata } from './metadata/list';
import { orgUnitTreeOf } from './metadata/org-unit-tree';
import { dataSetCoverage } from './metadata/data-set-coverage';
import { browseFolders, checkFolder } from './files/folders';
import { metadataExportServiceOf } from './metadata-export/service';

export type Handlers = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M> };

/**
 * One handler per contract method. Transports validate input against the contract before calling,
 * so handlers receive parsed values. A method missing here is a compile error.
 */
export function createHandlers(core: CoreParts, env: { mode: 'desktop' | 'browser'; appVersion: string; dialogs?: DialogsPort }): Handlers {
  const { servers, connectivity, runner, jobs, jobLog, settings, registry, files } = core;
  const metadataExport = metadataExportServiceOf(core);
  const door = new DataFileDoor();
  /** The page queues a file it stored and inspected earlier: refused here as `dhis2-ie import data` refuses it, in the same words. */
  const admitDataFiles = async (input: MethodParsedInput<'jobs.create'>) => {
    const params = ImportDataParams.safeParse(input.params);
    // Options that are not valid, and files no longer stored, are the runner's to refuse.
    if (!params.success) return;
    for (const file of input.files) {
      if (!files.has(file.sha256)) continue;
      const problem = await door.problem(files.pathOf(file.sha256), file, params.data);
      if (problem) throw new AppError(problem.code, `Not queued: ${problem.message}`, { file: problem.file, line: problem.line, field: problem.field });
    }
  };
  return {
    'app.info': () => ({
      name: 'DHIS2 Import/Export (offline)',
      version: env.appVersion,
      mode: env.mode,
      dataDir: core.dataDir,
      platform: `${process.platform} ${process.arch}`,
      runnableJobTypes: registry.types(),
      nativeDialogs: env.dialogs !== undefined,
    }),

    'servers.list': () => servers.list(),
    'servers.add': (input) => servers.add(input),
    'servers.update': (input) => servers.update(input),
    'servers.remove': (input) => {
      servers.remove(input.id);
      return { ok: true as const };
    },
    'servers.setDefault': (input) => servers.setDefault(input.id),
    'servers.test': (input) => servers.test(input),

    'connectivity.status': () => connectivity.status(),
    'connectivity.checkNow': () => connectivity.checkAll(),

    'jobs.list': (input) => jobs.list(input),
    'jobs.counts': () => jobs.counts(),
    'jobs.get': (input) => {
      const job = jobs.get(input.id);
      if (!job) throw notFound('Job', input.id);
      return job;
    },
    'jobs.log': (input) => {
      if (!jobs.get(input.id)) throw notFound('Job', input.id);
      return jobLog.list(input.id, input.afterSeq ?? 0);
    },
    'jobs.create': async (input) => {
      if (input.type === 'import-data') await admitDataFiles(input);
      return runner.create(input);
    },
    'jobs.cancel': (input) => runner.cancel(input.id),
    'jobs.retry': (input) => runner.retry(input.id),
    'jobs.recreate': (input) => {
      const job = jobs.get(input.id);
      if (!job) throw notFound('Job', input.id);
      const missing = job.files.filter((file) => !files.has(file.sha256));
      if (missing.length) {
        throw new AppError('FILE_MISSING', `The file "${missing[0]!.name}" of this job is no longer in the app's store; choose it again.`);
      }
      return { type: job.type, params: job.params, files: job.files, serverId: job.serverId, recreatedFrom: job.id };
    },

    'files.pick': async (input) => {
      if (!env.dialogs) throw new AppError('NO_NATIVE_DIALOGS', 'File dialogs exist only in the desktop app; in the browser, use the file field.');
      const paths = await env.dialogs.openFiles(input);
      const refs = [];
      for (const path of paths) refs.push(await files.putFromPath(path, basename(path)));
      return refs;
    },

    'files.pickFolder': async (input) => {
      if (!env.dialogs) throw new AppError('NO_NATIVE_DIALOGS', 'Folder dialogs exist only in the desktop app; in the browser, browse or type the folder.');
      return { path: await env.dialogs.chooseFolder(input) };
    },
    'files.browseFolders': (input) => browseFolders(input.path, { showHidden: input.showHidden }),
    'files.checkFolder': (input) => checkFolder(input.path),

    'metadata.status': (input) => core.metadata.status(input.serverId),
    'metadata.sync': (input) => core.metadata.requestSync(input.serverId),
    'metadata.loadFile': (input) => core.metadata.loadFile(input),

    'datavalues.inspect': (input) => {
      const params = ImportDataParams.parse(input.params);
      return inspectDataFile(
        {
          pathOf: (sha) => files.pathOf(sha),
          has: (sha) => files.has(sha),
          validate: async (opened, params) => {
            const index = core.metadata.indexFor(input.serverId);
            if (!index) return null;
            const checkedOn = localIsoDate(new Date());
            const checked = await checkDataFile(opened, params, index, input.file.name);
            // The job queued from this page reuses the check when it is provably the same one (check-memo.ts).
            rememberQueuedCheck(core.checks, { ref: input.file, validation: checked.validation, abort: checked.abort }, params, index, checkedOn);
            return checked.validation;
          },
          remember: (problem) => door.remember(input.file.sha256, params, problem),
        },
        input.file,
        params,
      );
    },
    'metadataImport.inspect': (input) =>
      inspectMetadataFile(
        { pathOf: (sha) => files.pathOf(sha), has: (sha) => files.has(sha), indexFor: (serverId) => core.metadata.indexFor(serverId) },
        input.file,
        input.params,
        input.serverId,
      ),
    'metadata.list': (input) => listMetadata(core.metadata.indexFor(input.serverId), input.type, input.query, input.limit),

    'metadata.orgUnitChildren': (input) => orgUnitTreeOf(core.metadata.indexFor(input.serverId)).children(input.parentId, input.limit),
    'metadata.orgUnitSearch': (input) => orgUnitTreeOf(core.metadata.indexFor(input.serverId)).search(input.query, input.limit),
    'metadata.orgUnitLookup': (input) => orgUnitTreeOf(core.metadata.indexFor(input.serverId)).lookup(input.ids),
    'metadata.dataSetCoverage': (input) => dataSetCoverage(core.metadata.indexFor(input.serverId), input),

    'metadataExport.types': (input) => metadataExport.types(input.serverId),
    'metadataExport.objects': (input) => metadataExport.objects(input),

    'bundles.device': () => core.bundles.identity(),
    'bundles.setDeviceName': (input) => core.bundles.setDeviceName(input.name),
    'bundles.create': (input) => core.bundles.create(input),
    'bundles.scan': (input) => core.bundles.scan(input.folder),
    'bundles.load': (input) => core.bundles.load(input.folder, input.keys),
    'bundles.jobTransport': (input) => core.bundles.transport(input.id),
    'bundles.approve': async (input) => {
      const { message, report } = await core.bundles.approve(input.bundleId);
      return { message, report };
    },
    'bundles.confirmDelete': (input) => core.bundles.confirmDelete(input.id),

    'settings.get': () => settings.get(),
    'settings.update': (input) => {
      const before = settings.get();
      const after = settings.update(input);
      if (after.pingIntervalSeconds !== before.pingIntervalSeconds || after.pingTimeoutMs !== before.pingTimeoutMs) connectivity.reschedule();
      return after;
    },
  };
}

/** Validates, calls and validates again: the single entry both transports use. */
export async function invoke(core: { readonly handlers: Handlers }, name: string, rawInput: unknown): Promise<unknown> {
  if (!Object.hasOwn(methods, name)) throw new AppError('UNKNOWN_METHOD', `The app has no call named "${name}".`);
  const method = methods[name as MethodName];
  const parsed = method.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    throw new AppError(
      'INVALID_INPUT',
      parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; '),
      { issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
    );
  }
  const handler = core.handlers[name as MethodName] as (input: unknown) => unknown;
  const result = await handler(parsed.data);
  // The output check catches a handler drifting from the contract in tests rather than in the UI.
  return method.output.parse(result);
}
