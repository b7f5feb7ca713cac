import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { printJson, type Output } from '../output';
import { DATA_IMPORT_OPTIONS, DATA_IMPORT_OPTIONS_HELP, paramsFromFlags } from './data-options';
import { importMetadataCommand } from './import-metadata';
import { importGeometryCommand } from './import-geometry';
import { checkSummary, storeAndCheckDataFile, type StoredDataFile } from '../../core/datavalues/store-and-check';
import { nowIso } from '../../core/time';
import { rememberQueuedCheck } from '../../core/datavalues/check-memo';
import { localIsoDate } from '../../core/periods/iso-dates';

export const IMPORT_HELP = `dhis2-ie import data FILE [options] [--json]
    Keeps a copy of FILE, checks it offline when there is metadata (one line of the prediction;
    \`dhis2-ie validate\` gives all of it) and queues its import; it is sent when the server can be
    reached (the app does that by itself; \`dhis2-ie flush\` does it now).
${DATA_IMPORT_OPTIONS_HELP}`;

export async function importCommand(argv: string[], output: Output): Promise<number> {
  // Metadata has its own options; the kind comes first on the command line.
  if (argv[0] === 'metadata') return importMetadataCommand(argv.slice(1), output);
  if (argv[0] === 'geometry') return importGeometryCommand(argv.slice(1), output);
  const { values, positionals } = parse(argv, DATA_IMPORT_OPTIONS);
  if (values.help) return (output.out(IMPORT_HELP), 0);
  const [kind, file] = positionals;
  if (kind !== 'data')
    throw new UsageError(
      kind
        ? `Importing "${kind}" is not available yet; this version imports data values, metadata and org unit geometry: dhis2-ie import data|metadata|geometry FILE.`
        : IMPORT_HELP,
    );
  if (!file) throw new UsageError('import data needs the file to import.');
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`"${file}" is not a file.`);
  const params = paramsFromFlags(values);

  const core = openCore(values['data-dir']);
  try {
    const serverId = values.server ? core.servers.resolve(values.server).id : null;
    // The copy is checked offline as it is made (when there is metadata), so a look at what DHIS2 would say costs little more than the copy.
    const storedSince = nowIso();
    const checkedOn = localIsoDate(new Date());
    const index = core.metadata.indexFor(serverId ?? undefined);
    const stored = await storeAndCheckDataFile(core.files, path, basename(path), params, index);
    const { ref } = stored;
    if (stored.problem) {
      // Refused at the door, in validate's words: a job for a file that cannot be read would only fail later.
      core.files.release(ref.sha256, storedSince);
      output.err(`dhis2-ie: ${stored.problem.message}`);
      output.err('Nothing was queued.');
      return 1;
    }
    // The job reuses this check when it is provably the same one (same bytes, parameters, metadata and day).
    rememberQueuedCheck(core.checks, stored, params, index, checkedOn);
    const job = core.runner.create({ type: 'import-data', params, files: [ref], serverId });
    if (values.json) printJson(output, job);
    else {
      output.out(
        `Queued ${params.dryRun ? 'a dry run of ' : ''}"${ref.name}" as job ${job.id.slice(0, 8)}. It is sent when the server can be reached; run \`dhis2-ie flush\` to send now.`,
      );
      const checked = checkLine(stored);
      if (checked) output.out(checked);
    }
    return 0;
  } finally {
    await core.close();
  }
}

/** One line on what the offline check predicts; `dhis2-ie validate FILE` lists the conflicts. */
function checkLine(stored: StoredDataFile): string | null {
  const summary = checkSummary(stored, `\`dhis2-ie validate ${JSON.stringify(stored.ref.name)}\` lists them`);
  return summary && `  ${summary}`;
}
