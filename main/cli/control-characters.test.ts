import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../core/core';
import { inline, neutralise, printJson } from './output';
import { captureOutput } from './capture-output';
import { cliSandbox, type CliSandbox } from './testing/sandbox';

/** Clears the screen, retitles the terminal (OSC 0 ended by BEL), and a one-byte CSI (C1) that clears it again. */
const HOSTILE = '\u001b[2J\u001b]0;PWNED\u0007Ngelehun\u009b2J\u202eCHC';

/** Anything a terminal would act on rather than show. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('control characters in what the CLI prints', () => {
  it('shows controls instead of acting on them, keeping line breaks and tabs only where they lay the text out', () => {
    expect(neutralise(`a\tb\n${HOSTILE}\r\n`)).toBe('a\tb\n\\x1b[2J\\x1b]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC\\x0d\n');
    expect(inline('two\nlines\tand a tab')).toBe('two\\x0alines\\x09and a tab');
    const json = captureOutput();
    printJson(json, { title: `${HOSTILE}\u007f\u2028` });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toEqual({ title: `${HOSTILE}\u007f\u2028` });
  });

  describe('from a bundle', () => {
    let box: CliSandbox;
    let usb: string;
    beforeEach(async () => {
      box = await cliSandbox();
      usb = join(box.path, 'usb');
      mkdirSync(usb);
      writeFileSync(
        join(box.path, 'values.csv'),
        'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nf7n9E0hX8qk,202401,DiszpKrYNg8,,,5\n',
      );
    });
    afterEach(() => box.close());

    it('bundle scan, bundle load, jobs and jobs show print the device name and job title of a hostile bundle inertly', async () => {
      expect((await box.run('facility', 'import', 'data', join(box.path, 'values.csv'))).code).toBe(0);
      // A title as a hostile laptop would write it into its bundle.
      const facility = createCore({ dataDir: join(box.path, 'facility'), mode: 'cli', appVersion: 'test' });
      facility.db.prepare('UPDATE jobs SET title = ?').run(`Import ${HOSTILE}\nDone`);
      await facility.close();
      expect((await box.run('facility', 'bundle', 'create', '--out', usb, '--name', HOSTILE)).code).toBe(0);

      const scan = await box.run('district', 'bundle', 'scan', usb);
      const scanJson = await box.run('district', 'bundle', 'scan', usb, '--json');
      for (const run of [scan, scanJson]) expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
      expect(scan.stdout).toContain('from \\x1b[2J\\x1b]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC');
      const item = (JSON.parse(scanJson.stdout) as { items: { bundle: { source: { deviceName: string }; jobs: { title: string }[] } }[] }).items[0]!;
      expect(item.bundle.source.deviceName).toBe(HOSTILE);
      expect(item.bundle.jobs[0]!.title).toBe(`Import ${HOSTILE}\nDone`);

      // Held (its laptop is not enrolled here): the message names the device.
      const held = await box.run('district', 'bundle', 'load', usb);
      expect(held.stdout).toContain('(\\x1b[2J\\x1b]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC, key');
      const bundleId = /dhis2-ie bundle approve ([0-9a-f]{8})/.exec(held.stdout)![1]!;
      const approved = await box.run('district', 'bundle', 'approve', bundleId);
      expect(approved.code).toBe(0);
      const listed = await box.run('district', 'jobs');
      const jobId = /^([0-9a-f]{8}) /m.exec(listed.stdout)![1]!;
      const shown = await box.run('district', 'jobs', 'show', jobId);
      for (const run of [held, approved, listed, shown]) expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
      // The line break inside the title is shown, not made: the job is one row.
      expect(listed.stdout.trim().split('\n')).toHaveLength(2);
      expect(listed.stdout).toContain('Import \\x1b[2J\\x1b]0;PWNED\\x07Ngeleh');
      expect(shown.stdout.split('\n')[0]).toMatch(/^Import \\x1b\[2J\\x1b\]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC\\x0aDone/);
    });

    it('bundle load, jobs and jobs show print a data file name and job title full of escape sequences inertly', async () => {
      const name = `values${HOSTILE}.csv`;
      writeFileSync(join(usb, name), readFileSync(join(box.path, 'values.csv')));
      expect((await box.addServer('district')).code).toBe(0);
      const loaded = await box.run('district', 'bundle', 'load', usb);
      expect(loaded.stdout).toMatch(/^Loaded /m);
      const listed = await box.run('district', 'jobs');
      const jobId = /^([0-9a-f]{8}) /m.exec(listed.stdout)![1]!;
      // A job title with a line break in it, as an edited database or an old version could hold.
      const district = createCore({ dataDir: join(box.path, 'district'), mode: 'cli', appVersion: 'test' });
      district.db.prepare('UPDATE jobs SET title = title || ?').run(`\n${HOSTILE}`);
      await district.close();
      const relisted = await box.run('district', 'jobs');
      const shown = await box.run('district', 'jobs', 'show', jobId);
      const asJson = await box.run('district', 'jobs', '--json');
      for (const run of [loaded, listed, relisted, shown, asJson]) expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
      expect(loaded.stdout).toContain('values\\x1b[2J\\x1b]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC.csv');
      // The line break inside the title is shown, not made: the row stays one line.
      expect(relisted.stdout.trim().split('\n')).toHaveLength(2);
      expect(shown.stdout).toContain('\\x0a\\x1b[2J\\x1b]0;PWNED\\x07Ngelehun\\x9b2J\\u202eCHC');
      const jobs = (JSON.parse(asJson.stdout) as { jobs: { title: string }[] }).jobs;
      expect(jobs[0]!.title.endsWith(`\n${HOSTILE}`)).toBe(true);
    });
  });
});
