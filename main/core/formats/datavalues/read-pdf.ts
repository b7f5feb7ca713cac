import type { Readable } from 'node:stream';
import { EncryptedPDFError, ParseSpeeds, PDFCheckBox, PDFDocument, PDFDropdown, PDFOptionList, PDFRadioGroup, PDFTextField, type PDFField } from 'pdf-lib';
import type { DataValueRecord } from '../../datavalues/types';
import { FormatError, at } from '../format-error';
import { formatBytes } from '../input-limits';
import { blankRecord } from './record';

/** DHIS2's data entry PDFs are a few hundred kilobytes; the whole file is loaded, so its size is capped. */
export const MAX_PDF_BYTES = 20 * 1024 * 1024;

export const PDF_ORG_UNIT_FIELD = 'TXFD_OrgID';
export const PDF_PERIOD_FIELD = 'TXFD_PeriodID';
export const PDF_VALUE_PREFIX = 'TXFDDV_';
/** What DHIS2 2.41 puts on every value imported from a PDF form (PdfDataEntryFormUtil). */
export const PDF_IMPORT_COMMENT = 'Imported by PDF Data Entry Form';

/**
 * The values of a DHIS2 data entry PDF form, as 2.41's PdfDataEntryFormUtil reads it: one organisation
 * unit and period for the form, and one field per data element and category option combo named
 * `TXFDDV_<dataElement>_<categoryOptionCombo>[_T<type>]`, where type 4 is a check box (On = true).
 * Empty fields are skipped: DHIS2 would send them as empty values, which deletes what is stored.
 */
export async function readPdfValues(open: () => Readable, fileName: string, maxBytes = MAX_PDF_BYTES): Promise<DataValueRecord[]> {
  const fields = formFields(await loadPdf(await readAll(open(), fileName, maxBytes), fileName), fileName);
  try {
    return quietly(() => formValues(fields, fileName));
  } catch (error) {
    // A field of a damaged file may fail as its value is read, as the document did as it was loaded.
    if (error instanceof FormatError) throw error;
    throw damaged(fileName);
  }
}

function formValues(fields: PDFField[], fileName: string): DataValueRecord[] {
  if (fields.length === 0) {
    throw new FormatError(
      'PDF_NO_FORM',
      `${at(fileName)} has no form fields to read. Use the PDF form downloaded from DHIS2 (Data entry > Print form as PDF), filled in and saved.`,
      { file: fileName },
    );
  }
  const byName = new Map(fields.map((field) => [field.getName(), field]));
  const orgUnit = fieldText(byName.get(PDF_ORG_UNIT_FIELD))?.trim() || null;
  const period = fieldText(byName.get(PDF_PERIOD_FIELD))?.trim() || null;
  if (orgUnit === null) throw emptyField(fileName, PDF_ORG_UNIT_FIELD, 'organisation unit');
  if (period === null) throw emptyField(fileName, PDF_PERIOD_FIELD, 'period');
  const records: DataValueRecord[] = [];
  for (const field of fields) {
    const name = field.getName();
    if (!name.startsWith(PDF_VALUE_PREFIX)) continue;
    const parts = name.split('_');
    const dataElement = parts[1];
    const categoryOptionCombo = parts[2];
    if (!dataElement || !categoryOptionCombo) {
      throw new FormatError(
        'PDF_BAD_FIELD_NAME',
        `${at(fileName)}: the form field "${name}" does not name a data element and category option combo; use the form as DHIS2 made it.`,
        {
          file: fileName,
          field: name,
        },
      );
    }
    let value = fieldText(field);
    if (parts[3]?.startsWith('T4')) value = value === 'On' ? 'true' : value === 'Off' ? null : value;
    if (value === null || value === '') continue;
    const record = blankRecord(records.length, 0);
    record.dataElement = dataElement;
    record.categoryOptionCombo = categoryOptionCombo;
    record.orgUnit = orgUnit;
    record.period = period;
    record.value = value;
    record.comment = PDF_IMPORT_COMMENT;
    record.followup = false;
    records.push(record);
  }
  return records;
}

function fieldText(field: PDFField | undefined): string | null {
  if (field instanceof PDFTextField) return field.getText() ?? null;
  if (field instanceof PDFCheckBox) return field.isChecked() ? 'On' : 'Off';
  if (field instanceof PDFDropdown || field instanceof PDFOptionList) return field.getSelected()[0] ?? null;
  if (field instanceof PDFRadioGroup) return field.getSelected() ?? null;
  return null;
}

function emptyField(fileName: string, name: string, what: string): FormatError {
  return new FormatError('PDF_FIELD_EMPTY', `${at(fileName)}: the form's ${what} field (${name}) is empty. Fill it in, save the PDF and import it again.`, {
    file: fileName,
    field: name,
  });
}

async function readAll(input: Readable, fileName: string, maxBytes: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      input.destroy();
      throw new FormatError(
        'PDF_TOO_LARGE',
        `${at(fileName)} is larger than ${formatBytes(maxBytes)}, far more than a DHIS2 data entry form; check that it is the form downloaded from DHIS2.`,
        { file: fileName },
      );
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function formFields(document: PDFDocument, fileName: string): PDFField[] {
  try {
    return quietly(() => document.getForm().getFields());
  } catch {
    throw damaged(fileName);
  }
}

/**
 * pdf-lib's own errors on a damaged file speak of its internals ("Cannot read properties of undefined (reading
 * 'getOrCreateAcroForm')"), so the message says what is known instead: the file is no PDF form that can be read.
 */
function damaged(fileName: string): FormatError {
  return new FormatError(
    'PDF_DAMAGED',
    `${at(fileName)} is not a readable PDF form: it starts like a PDF, but what follows is damaged or is not a PDF at all. ` +
      'Use the PDF form downloaded from DHIS2 (Data entry > Print form as PDF), filled in and saved, or ask for a fresh copy.',
    { file: fileName },
  );
}

async function loadPdf(bytes: Uint8Array, fileName: string): Promise<PDFDocument> {
  try {
    // Parsed in one go (no pauses between objects), so that the console is quiet only for as long as pdf-lib runs.
    return await quietly(() => PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false, parseSpeed: ParseSpeeds.Fastest }));
  } catch (error) {
    if (error instanceof EncryptedPDFError) {
      throw new FormatError('PDF_ENCRYPTED', `${at(fileName)} is password protected; save an unprotected copy of the form and import that.`, {
        file: fileName,
      });
    }
    throw damaged(fileName);
  }
}

/**
 * pdf-lib writes what it makes of a damaged file to the console (console.warn, and console.log from its inflater),
 * which would land on the CLI's stderr and stdout between its own lines; the message above says what matters.
 */
function quietly<T>(step: () => T): T {
  const { warn, log } = console;
  console.warn = () => undefined;
  console.log = () => undefined;
  const restore = () => {
    console.warn = warn;
    console.log = log;
  };
  let result: T;
  try {
    result = step();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
