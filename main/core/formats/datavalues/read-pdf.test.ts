import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { PDFDocument } from 'pdf-lib';
import { openInput } from '../open-input';
import { sniffFile } from '../sniff-file';
import { collect, failure, scratchDir } from '../test-support';
import { readDataValues } from './read';
import { PDF_IMPORT_COMMENT, readPdfValues } from './read-pdf';

/** A filled-in form named the way DHIS2's data entry PDF names its fields. */
async function dhis2Form(options: { orgUnit?: string; period?: string } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage();
  const form = pdf.getForm();
  let y = 800;
  const place = () => ({ x: 50, y: (y -= 30), width: 200, height: 20 });
  const text = (name: string, value?: string) => {
    const field = form.createTextField(name);
    if (value !== undefined) field.setText(value);
    field.addToPage(page, place());
  };
  text('TXFD_OrgID', options.orgUnit ?? ' DiszpKrYNg8 ');
  const period = form.createDropdown('TXFD_PeriodID');
  period.addOptions(['202401', '202402']);
  if (options.period !== '') period.select(options.period ?? '202402');
  period.addToPage(page, place());
  text('TXFDDV_f7n9E0hX8qk_HllvX50cXC0', '12');
  text('TXFDDV_Ix2HsbDMLea_HllvX50cXC0');
  text('TXFDDV_eY5ehpbEsB7_rQLFnNXXIL0', 'text, with "quotes"');
  const ticked = form.createCheckBox('TXFDDV_jH26dja2f30_HllvX50cXC0_T4');
  ticked.addToPage(page, place());
  ticked.check();
  form.createCheckBox('TXFDDV_jH26dja2f31_HllvX50cXC0_T4').addToPage(page, place());
  const yesNo = form.createDropdown('TXFDDV_jH26dja2f32_HllvX50cXC0');
  yesNo.addOptions(['', 'true', 'false']);
  yesNo.select('false');
  yesNo.addToPage(page, place());
  text('TXFD_Unrelated', 'ignored');
  return pdf.save();
}

const fromBytes = (bytes: Uint8Array) => () => Readable.from([Buffer.from(bytes)]);

describe('PDF data entry forms', () => {
  let dir: ReturnType<typeof scratchDir>;
  beforeEach(() => (dir = scratchDir()));
  afterEach(() => dir.remove());

  it('reads the filled fields as DHIS2 does, skipping empty fields and unticked boxes', async () => {
    writeFileSync(dir.file('form.pdf'), await dhis2Form());
    expect(await sniffFile(dir.file('form.pdf'))).toMatchObject({ compression: 'none', format: 'pdf' });
    const source = await readDataValues(() => openInput(dir.file('form.pdf')), { format: 'pdf', fileName: 'form.pdf' });
    const values = await collect(source.values());
    expect(values.map((r) => [r.index, r.line, r.dataElement, r.categoryOptionCombo, r.orgUnit, r.period, r.value])).toEqual([
      [0, 0, 'f7n9E0hX8qk', 'HllvX50cXC0', 'DiszpKrYNg8', '202402', '12'],
      [1, 0, 'eY5ehpbEsB7', 'rQLFnNXXIL0', 'DiszpKrYNg8', '202402', 'text, with "quotes"'],
      [2, 0, 'jH26dja2f30', 'HllvX50cXC0', 'DiszpKrYNg8', '202402', 'true'],
      [3, 0, 'jH26dja2f32', 'HllvX50cXC0', 'DiszpKrYNg8', '202402', 'false'],
    ]);
    expect(values.every((r) => r.comment === PDF_IMPORT_COMMENT && r.followup === false)).toBe(true);
  });

  it('refuses a PDF without form fields', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const bytes = await pdf.save();
    const error = await failure(() => readPdfValues(fromBytes(bytes), 'scan.pdf'));
    expect(error).toMatchObject({ code: 'PDF_NO_FORM', file: 'scan.pdf', message: expect.stringContaining('no form fields') });
  });

  it('refuses a form whose organisation unit or period is empty', async () => {
    const noOrgUnit = await dhis2Form({ orgUnit: '  ' });
    expect(await failure(() => readPdfValues(fromBytes(noOrgUnit), 'f.pdf'))).toMatchObject({ code: 'PDF_FIELD_EMPTY', field: 'TXFD_OrgID' });
    const noPeriod = await dhis2Form({ period: '' });
    expect(await failure(() => readPdfValues(fromBytes(noPeriod), 'f.pdf'))).toMatchObject({ code: 'PDF_FIELD_EMPTY', field: 'TXFD_PeriodID' });
  });

  it('says of garbage after "%PDF" that it is not a readable PDF form, in words, and lets pdf-lib print nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      for (const garbage of [
        '%PDF-1.7\n\x00\x01\x02garbage\xff\xfe',
        '%PDF-1.4\n1 0 obj\n<< /A 99999999999999999999 >>\nendobj\n',
        '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\n)(garbage\nendobj\n2 0 obj ]]] endobj\n',
      ]) {
        const error = await failure(() => readPdfValues(() => Readable.from([Buffer.from(garbage, 'latin1')]), 'form.pdf'));
        expect(error.code, garbage).toMatch(/^PDF_(DAMAGED|NO_FORM)$/);
        if (error.code === 'PDF_DAMAGED') expect(error.message).toMatch(/^"form\.pdf" is not a readable PDF form/);
        expect(error.message).not.toMatch(/Cannot read properties|undefined/);
      }
      expect(warn).not.toHaveBeenCalled();
      expect(log).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
    // The console is the program's own again afterwards.
    expect(console.warn).not.toBe(warn);
  });

  it('refuses what is not a PDF, and PDFs too large to be a form', async () => {
    expect(await failure(() => readPdfValues(() => Readable.from([Buffer.from('%PDF-1.7 but nothing else')]), 'bad.pdf'))).toMatchObject({
      code: 'PDF_DAMAGED',
    });
    const form = await dhis2Form();
    expect(await failure(() => readPdfValues(fromBytes(form), 'big.pdf', 1000))).toMatchObject({ code: 'PDF_TOO_LARGE' });
  });
});
