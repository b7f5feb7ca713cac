import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileRef } from '../../../shared/jobs';
import type { Core } from '../core';
import { invoke } from '../services';
import { coreInTempDir, type TempDir } from '../test/helpers';

/** The Data import page's way: the file is stored when chosen, inspected, then queued with "Import". */
describe('the Data import page refuses what `dhis2-ie import data` refuses', () => {
  let dir: TempDir;
  let core: Core;
  let close: () => Promise<void>;
  beforeEach(() => void ({ dir, core, close } = coreInTempDir()));
  afterEach(() => close());

  const header = 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment';
  const rows = (count: number) => Array.from({ length: count }, (_, i) => `DE_A,202401,OU_A,,,${i},,,ok`);

  async function stored(name: string, content: string | Buffer): Promise<FileRef> {
    writeFileSync(join(dir.path, name), content);
    return core.files.putFromPath(join(dir.path, name), name);
  }

  const inspect = (file: FileRef) =>
    invoke(core, 'datavalues.inspect', { file, params: {} }) as Promise<{ error: { code: string; message: string; line: number | null } | null }>;
  const queue = (file: FileRef) => invoke(core, 'jobs.create', { type: 'import-data', params: {}, files: [file] });

  it('says in the inspection, and again when asked to queue, why a file is refused; nothing is queued', async () => {
    const files = [
      await stored(
        'xxe.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<dataValueSet><dataValue value="&x;"/></dataValueSet>',
      ),
      // Past the 50 rows the preview reads: only a read to the end finds these.
      await stored('latin1.csv', Buffer.from([header, ...rows(80), 'DE_A,202402,OU_A,,,1,,,r\xe9colt\xe9'].join('\n'), 'latin1')),
      await stored('quote.csv', [header, ...rows(80), 'DE_A,202402,"OU_A,,,1'].join('\n')),
      await stored('header-only.csv', `${header}\n`),
      await stored('nul.csv', Buffer.alloc(512)),
    ];
    const codes: string[] = [];
    for (const file of files) {
      const inspection = await inspect(file);
      expect(inspection.error, file.name).not.toBeNull();
      codes.push(inspection.error!.code);
      await expect(queue(file)).rejects.toMatchObject({ code: inspection.error!.code, message: `Not queued: ${inspection.error!.message}` });
    }
    expect(codes).toEqual(['XML_DOCTYPE', 'UNSUPPORTED_ENCODING', 'CSV_QUOTES', 'NO_DATA_VALUES', 'BINARY_FILE']);
    expect(await invoke(core, 'jobs.list', {})).toMatchObject({ jobs: [] });
  });

  it('refuses a file it has not inspected (a recreated job) by reading it, and queues a good file', async () => {
    const bad = await stored('late.csv', [header, ...rows(120), 'DE_A,202402,"OU_A,,,1'].join('\n'));
    await expect(queue(bad)).rejects.toMatchObject({ code: 'CSV_QUOTES', message: expect.stringMatching(/^Not queued: "late\.csv" line 122: /) });
    const good = await stored('good.csv', [header, ...rows(3)].join('\n'));
    expect((await inspect(good)).error).toBeNull();
    expect(await queue(good)).toMatchObject({ type: 'import-data', state: 'queued' });
  });
});
