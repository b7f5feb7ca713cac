import { resolve } from 'node:path';
import type { Core } from '../../core/core';
import { notFound } from '../../core/errors';
import { openCore } from '../open-core';
import { parse, UsageError } from '../args';
import { inline, printJson, type Output } from '../output';

export const BUNDLE_HELP = `dhis2-ie bundle create --out DIR [--jobs ID,...] [--name "LAPTOP NAME"] [--json]
    Saves the imports waiting to be sent (or the jobs named) to one bundle file in DIR, a USB
    drive for example; checks it by reading it back. The jobs are then "Carried on USB" and are
    never sent from this laptop. --name sets how this laptop is named in bundles (kept).
dhis2-ie bundle load DIR [--json]
    Loads what is in DIR: bundles from facility laptops and loose DHIS2 data files are checked
    and queued (each once: what was loaded before is reported as a duplicate); receipts from the
    district mark carried jobs delivered. Writes a receipt next to each bundle loaded here.
    Exit code 1 when something was rejected (damaged, changed, or from a newer app) or held.
    A bundle is held, nothing loaded, when its laptop is not enrolled here, its signing key
    changed, or it is not signed (older app): compare the fingerprint, then bundle approve.
    A job that deletes on the server (strategy DELETE) is queued held until bundle confirm.
dhis2-ie bundle scan DIR [--json]
    Lists what bundle load would do, without loading anything.
dhis2-ie bundle identity [--out DIR] [--name "LAPTOP NAME"] [--new-key] [--json]
    On a facility laptop: its name, id and signing key fingerprint (the key is made on first
    use and never leaves the laptop). --out writes its enrolment file into DIR for the
    district; --new-key replaces the key (the district then approves the next bundle once).
dhis2-ie bundle enrol FILE --fingerprint "XXXX XXXX XXXX XXXX XXXX XXXX"
    At the district, while the laptop is being prepared: trusts the laptop's key from its
    enrolment file, once the fingerprint typed from the laptop's own screen matches.
dhis2-ie bundle approve ID
    Approves a held bundle (its id or first 8 characters, as bundle load shows): trusts its
    laptop's key from now on (or, unsigned, this bundle as it is), then loads it.
dhis2-ie bundle confirm JOB
    Confirms a delete that arrived by USB: the held job is queued and will delete on the server.`;

export async function bundleCommand(argv: string[], output: Output): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string' },
    jobs: { type: 'string' },
    name: { type: 'string' },
    fingerprint: { type: 'string' },
    'new-key': { type: 'boolean', default: false },
  });
  if (values.help) return (output.out(BUNDLE_HELP), 0);
  const [action, folder] = positionals;
  if (action === 'create') {
    if (!values.out) throw new UsageError('bundle create needs --out DIR: the folder (USB drive) to save the bundle in.');
    const core = openCore(values['data-dir']);
    try {
      if (values.name !== undefined) core.bundles.setDeviceName(values.name);
      const jobIds = values.jobs === undefined ? undefined : resolveJobIds(core, values.jobs);
      const result = await core.bundles.create({ folder: resolve(values.out), jobIds });
      if (values.json) return (printJson(output, result), 0);
      for (const receipt of result.receipts) output.out(`Read ${inline(receipt.fileName)}: ${inline(receipt.message)}`);
      output.out(
        `Saved ${result.fileName} in ${resolve(values.out)} (${(result.bytes / 1024 / 1024).toFixed(2)} MB, ${result.jobIds.length} job${result.jobIds.length === 1 ? '' : 's'}${result.values === null ? '' : `, ${result.values.toLocaleString('en')} values`}); read back and checked.`,
      );
      output.out('The jobs are now "Carried on USB": they will not be sent from this laptop. Load the bundle at the district with: dhis2-ie bundle load DIR');
      return 0;
    } finally {
      await core.close();
    }
  }
  if (action === 'load' || action === 'scan') {
    if (!folder) throw new UsageError(`bundle ${action} needs the folder to look in (the USB drive).`);
    const core = openCore(values['data-dir']);
    try {
      if (action === 'scan') {
        const scan = await core.bundles.scan(resolve(folder));
        if (values.json) return (printJson(output, scan), 0);
        if (scan.items.length === 0) output.out('Nothing to load: no bundles, receipts or DHIS2 data files in that folder.');
        for (const item of scan.items) {
          const what = item.bundle
            ? `bundle ${item.bundle.source.sequence} from ${inline(item.bundle.source.deviceName)}, ${item.bundle.jobs.length} job(s), made ${new Date(item.bundle.createdAt).toLocaleString()}`
            : item.receipt
              ? `receipt from ${inline(item.receipt.district)} (${item.receipt.stage})`
              : item.file
                ? `${item.file.format.toUpperCase()} data file`
                : item.kind;
          output.out(`${item.status.toUpperCase().padEnd(9)} ${inline(item.relativePath)}: ${what}${item.message ? ` — ${inline(item.message)}` : ''}`);
          for (const note of item.bundle?.notes ?? []) output.out(`          note: ${inline(note)}`);
        }
        for (const item of scan.items) {
          if (item.hold) output.out(`Held: approve ${inline(item.relativePath)} with: dhis2-ie bundle approve ${item.hold.bundleId.slice(0, 8)}`);
        }
        for (const note of scan.notes) output.out(`Note: ${note}`);
        return 0;
      }
      const report = await core.bundles.load(resolve(folder));
      if (values.json) {
        printJson(output, report);
        return report.rejected.length + report.held.length > 0 ? 1 : 0;
      }
      for (const item of report.loaded) output.out(`Loaded     ${inline(item.fileName)}: ${inline(item.message)}`);
      for (const item of report.duplicate) output.out(`Duplicate  ${inline(item.fileName)}: ${inline(item.message)}`);
      for (const item of report.rejected) output.out(`Rejected   ${inline(item.fileName)}: ${inline(item.message)}`);
      for (const receipt of report.receipts) output.out(`Receipt    ${inline(receipt.fileName)}: ${inline(receipt.message)}`);
      for (const written of report.receiptsWritten) output.out(`Wrote      ${inline(written.fileName)} (receipt, ${written.stage})`);
      for (const item of report.held) {
        output.out(`Held       ${inline(item.fileName)}: ${inline(item.message)}`);
        output.out(`           Approve it with: dhis2-ie bundle approve ${item.hold.bundleId.slice(0, 8)}`);
      }
      for (const id of report.loaded.flatMap((item) => item.heldJobIds)) {
        output.out(`Delete     job ${id.slice(0, 8)} deletes on the server: it waits until you confirm it with: dhis2-ie bundle confirm ${id.slice(0, 8)}`);
      }
      for (const note of report.notes) output.out(`Note: ${note}`);
      const nothing = report.loaded.length + report.duplicate.length + report.rejected.length + report.held.length + report.receipts.length === 0;
      if (nothing) output.out('Nothing to load: no new bundles, receipts or DHIS2 data files in that folder.');
      else if (report.loaded.length > 0) output.out('The loaded jobs are queued; they are sent when the server can be reached (dhis2-ie flush sends now).');
      return report.rejected.length + report.held.length > 0 ? 1 : 0;
    } finally {
      await core.close();
    }
  }
  if (action === 'identity' || action === 'enrol' || action === 'approve' || action === 'confirm') {
    const core = openCore(values['data-dir']);
    try {
      return await trustAction(core, action, folder, { ...values, newKey: values['new-key'] === true }, output);
    } finally {
      await core.close();
    }
  }
  throw new UsageError(
    action ? `Unknown bundle action "${action}". Use: dhis2-ie bundle create | load | scan | identity | enrol | approve | confirm.` : BUNDLE_HELP,
  );
}

/** Signing keys, enrolment, approving held bundles and confirming deletes (main/core/bundles/trust.ts). */
async function trustAction(
  core: Core,
  action: 'identity' | 'enrol' | 'approve' | 'confirm',
  target: string | undefined,
  values: { out?: string | undefined; name?: string | undefined; fingerprint?: string | undefined; newKey: boolean; json?: boolean | undefined },
  output: Output,
): Promise<number> {
  if (action === 'identity') {
    if (values.name !== undefined) core.bundles.setDeviceName(values.name);
    const identity = await core.bundles.signingIdentity({ newKey: values.newKey });
    const written = values.out ? await core.bundles.writeEnrolment(resolve(values.out)) : null;
    if (values.json) return (printJson(output, { ...identity, enrolmentFile: written }), 0);
    if (values.newKey) output.out('A new signing key was made; the district approves the next bundle from this laptop once.');
    output.out(`This laptop: ${inline(identity.name)} (id ${identity.deviceId})`);
    output.out(`Signing key fingerprint: ${identity.fingerprint}`);
    if (written)
      output.out(`Wrote ${written}: take it to the district, where it is enrolled with: dhis2-ie bundle enrol FILE --fingerprint "${identity.fingerprint}"`);
    return 0;
  }
  if (!target)
    throw new UsageError(`bundle ${action} needs ${action === 'enrol' ? 'the enrolment file' : action === 'approve' ? 'the held bundle id' : 'the job id'}.`);
  if (action === 'enrol') {
    const signer = core.bundles.enrol(resolve(target), values.fingerprint);
    if (values.json) return (printJson(output, signer), 0);
    output.out(`Enrolled ${inline(signer.device_name)} (key ${signer.fingerprint}): its signed bundles now load here without asking.`);
    return 0;
  }
  if (action === 'approve') {
    const { hold, message, report } = await core.bundles.approve(target);
    if (values.json) return (printJson(output, { hold, report }), 0);
    output.out(inline(message));
    if (!report) return 0;
    for (const item of report.loaded) output.out(`Loaded     ${inline(item.fileName)}: ${inline(item.message)}`);
    for (const item of report.held) output.out(`Held       ${inline(item.fileName)}: ${inline(item.message)}`);
    for (const item of report.rejected) output.out(`Rejected   ${inline(item.fileName)}: ${inline(item.message)}`);
    return report.held.length + report.rejected.length > 0 ? 1 : 0;
  }
  const held = core.jobs.list({ limit: 1000, offset: 0, states: ['held'] }).jobs;
  const matches = core.jobs.get(target) ? [core.jobs.require(target)] : held.filter((job) => job.id.startsWith(target));
  if (matches.length > 1) throw new UsageError(`"${target}" matches several held jobs; give more of the id.`);
  if (matches.length === 0) throw notFound('Job', target);
  const job = core.bundles.confirmDelete(matches[0]!.id);
  if (values.json) return (printJson(output, job), 0);
  output.out(`Confirmed: "${inline(job.title)}" is queued and will delete on the server when it is sent (dhis2-ie flush sends now).`);
  return 0;
}

/** Full ids, or the 8-character prefixes `dhis2-ie jobs` shows. */
function resolveJobIds(core: Core, list: string): string[] {
  const wanted = list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--jobs needs at least one job id (see: dhis2-ie jobs).');
  const all = core.jobs.list({ limit: 1000, offset: 0, states: ['queued', 'waiting-for-connection', 'carried'] }).jobs;
  return wanted.map((id) => {
    if (core.jobs.get(id)) return id;
    const matches = all.filter((job) => job.id.startsWith(id));
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length > 1) throw new UsageError(`"${id}" matches several jobs; give more of the id.`);
    throw notFound('Job', id);
  });
}
