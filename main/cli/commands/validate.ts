import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { printJson, type Output } from '../output';
import { DATA_IMPORT_OPTIONS, DATA_IMPORT_OPTIONS_HELP, paramsFromFlags } from './data-options';
import { openDataFile } from '../../core/datavalues/open-data-file';
import { checkDataFile } from '../../core/datavalues/check-file';
import { nothingToSend } from '../../core/datavalues/store-and-check';
import { FormatError } from '../../core/formats/format-error';
import { sniffGeoFile } from '../../core/formats/geo/sniff-geo';
import { GEOMETRY_OPTIONS, GEOMETRY_OPTIONS_HELP, validateGeometry } from './validate-geometry';

export const VALIDATE_HELP = `dhis2-ie validate FILE [options] [--json]
    Checks a data value file offline against the server's offline metadata and prints the
    ImportSummary DHIS2 is predicted to return (with --json, that JSON alone), with file lines.
${DATA_IMPORT_OPTIONS_HELP}
${GEOMETRY_OPTIONS_HELP}`;

export async function validateCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, { ...DATA_IMPORT_OPTIONS, ...GEOMETRY_OPTIONS });
  if (values.help) return (output.out(VALIDATE_HELP), 0);
  const [file] = positionals;
  if (!file) throw new UsageError('validate needs the file to check.');
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`"${file}" is not a file.`);
  // Geometry is told from the content (a GeoJSON or GML file); everything else is a data value file as before.
  const geometry = await sniffGeoFile(path, basename(path));
  const params = geometry ? null : paramsFromFlags(values);
  const core = openCore(values['data-dir']);
  try {
    // No --server: the default server's metadata (indexFor falls back to a server-less snapshot).
    const index = core.metadata.indexFor(values.server ? core.servers.resolve(values.server).id : undefined);
    if (!index) throw new UsageError('There is no offline metadata to check against: run `dhis2-ie metadata sync` or `dhis2-ie metadata load FILE` first.');
    if (geometry || params === null) return await validateGeometry(path, geometry ?? 'geojson', values, index, output);
    let checked;
    let empty;
    try {
      const opened = await openDataFile(path, basename(path), params);
      checked = await checkDataFile(opened, params, index, basename(path));
      // DHIS2 answers a file without values with SUCCESS, and so does the prediction; `import data` refuses it, and this says why.
      empty = checked.abort ? null : nothingToSend(checked.validation.checked, opened.source.header, basename(path), opened.format);
    } catch (error) {
      if (error instanceof FormatError) {
        output.err(`dhis2-ie: ${error.message}`);
        return 1;
      }
      throw error;
    }
    const { summary } = checked.validation;
    // A file with nothing to send is not a success for the person who made it, whatever DHIS2 would answer: exit 1.
    const exitCode = summary.status === 'SUCCESS' && !empty ? 0 : 1;
    if (values.json) return (printJson(output, summary), exitCode);
    const c = summary.importCount;
    if (empty) {
      // Said as `import data` says it: the same refusal, on stderr. --json above still prints what DHIS2 would answer.
      output.err(`dhis2-ie: ${empty.message}`);
      return exitCode;
    }
    output.out(`${basename(path)}: ${summary.status} (${checked.validation.metadataLabel})`);
    output.out(
      `  ${checked.validation.checked.toLocaleString('en')} values; predicted ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${c.deleted} deleted`,
    );
    for (const conflict of summary.conflicts) {
      const lines = conflict.lines ?? [];
      output.out(
        `  ${conflict.errorCode ?? 'conflict'}  ${conflict.value}${
          lines.length
            ? `  (line${lines.length > 1 ? 's' : ''} ${lines
                .slice(0, 10)
                .map((l) => l.toLocaleString('en'))
                .join(', ')}${lines.length > 10 ? ', …' : ''})`
            : ''
        }`,
      );
    }
    for (const note of checked.validation.unchecked) output.out(`  note: ${note}`);
    return exitCode;
  } finally {
    await core.close();
  }
}
