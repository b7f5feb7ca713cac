import { type ErrorCode, errorMessage, i18n } from './error-codes';
import { type ImportOptions, importOptionsJson } from './dv-options';
import { reasonPhrase } from './webmessage';

/**
 * ImportSummary, ImportCount and ImportConflict (dhis-api dxf2/importsummary) with the conflict
 * descriptors of DataValueImportConflict / DataValueSetImportConflict: conflicts group by error code
 * and the objects they name, and each occurrence adds its value index to `indexes`.
 */

export type ImportStatus = 'SUCCESS' | 'WARNING' | 'ERROR';

/** Marks an argument that is an i18n key: its text goes into the message, the key into `objects` under the property. */
const I18N_ARG = 'i18n';

interface Descriptor {
  property: string | null;
  /** Schema singular names of the argument types, or I18N_ARG. */
  types: readonly string[];
}

// DataValueImportConflict and DataValueSetImportConflict, 2.41.
export const CONFLICTS: Partial<Record<ErrorCode, Descriptor>> = {
  E7600: { property: 'dataSet', types: ['dataSet'] },
  E7601: { property: 'dataSet', types: ['dataSet'] },
  E7603: { property: 'orgUnit', types: ['organisationUnit', 'dataSet'] },
  E7604: { property: 'attributeOptionCombo', types: ['categoryOptionCombo', 'dataSet'] },
  E7610: { property: 'dataElement', types: ['dataElement'] },
  E7611: { property: 'period', types: ['period'] },
  E7612: { property: 'orgUnit', types: ['organisationUnit'] },
  E7613: { property: 'categoryOptionCombo', types: ['categoryOptionCombo'] },
  E7614: { property: 'categoryOptionCombo', types: ['categoryOptionCombo', 'categoryOption'] },
  E7615: { property: 'attributeOptionCombo', types: ['categoryOptionCombo'] },
  E7616: { property: 'attributeOptionCombo', types: ['categoryOptionCombo', 'categoryOption'] },
  E7617: { property: 'orgUnit', types: ['organisationUnit', 'user'] },
  E7618: { property: 'value', types: ['dataElement'] },
  E7619: { property: 'value', types: ['dataElement', I18N_ARG] },
  E7620: { property: 'comment', types: [I18N_ARG] },
  E7621: { property: 'value', types: ['dataElement'] },
  E7630: { property: 'categoryOptionCombo', types: [] },
  E7631: { property: 'attributeOptionCombo', types: [] },
  E7632: { property: null, types: ['period', 'dataElement'] },
  E7633: { property: 'dataElement', types: ['dataElement', 'dataSet'] },
  E7634: { property: 'categoryOptionCombo', types: ['categoryOptionCombo', 'dataElement'] },
  E7635: { property: 'attributeOptionCombo', types: ['categoryOptionCombo', 'dataElement'] },
  E7636: { property: 'orgUnit', types: ['organisationUnit', 'dataElement'] },
  E7637: { property: 'storedBy', types: [I18N_ARG] },
  E7638: { property: 'period', types: ['period', 'categoryOptionCombo'] },
  E7639: { property: 'orgUnit', types: ['organisationUnit', 'categoryOptionCombo'] },
  E7640: { property: 'period', types: ['period', 'dataSet'] },
  E7641: { property: 'period', types: ['period', 'dataElement', 'dataSet'] },
  E7642: { property: null, types: ['organisationUnit', 'period', 'categoryOptionCombo', 'dataSet'] },
  E7643: { property: 'period', types: ['period', 'dataSet'] },
  E7644: { property: 'period', types: ['period'] },
  E7645: { property: 'dataElement', types: ['dataElement'] },
};

export class ImportConflict {
  readonly indexes: number[] = [];

  constructor(
    readonly groupingKey: string,
    readonly object: string | null,
    readonly objects: Map<string, string | null> | null,
    readonly message: string,
    readonly errorCode: ErrorCode | null,
    readonly property: string | null,
  ) {}

  /** ImportConflict.createConflict: objects map, message from the template, grouping key errorCode:objects. */
  static create(code: ErrorCode, index: number, args: readonly (string | null)[]): ImportConflict {
    const descriptor = CONFLICTS[code] ?? { property: null, types: [] };
    const objects = new Map<string, string | null>();
    const messageArgs = [...args];
    descriptor.types.forEach((type, i) => {
      const arg = args[i] ?? null;
      if (type === I18N_ARG) {
        if (descriptor.property !== null && !objects.has(descriptor.property)) objects.set(descriptor.property, arg);
        messageArgs[i] = i18n(arg ?? 'null');
      } else {
        objects.set(type, arg);
      }
    });
    const values = [...objects.values()];
    const key = `${code}:${values.map((v) => String(v)).join(':')}`;
    const conflict = new ImportConflict(
      key,
      values.length === 0 ? null : (values[0] ?? null),
      objects,
      errorMessage(code, ...messageArgs),
      code,
      descriptor.property,
    );
    if (index >= 0) conflict.indexes.push(index);
    return conflict;
  }

  /** The pre-2.38 kind: just an object and a message (ADX errors, "Must be provided to complete data set"). */
  static legacy(object: string, message: string): ImportConflict {
    return new ImportConflict(`${object}:${message}`, object, null, message, null, null);
  }

  /** Creator order object, objects, value, errorCode, property, indexes; nulls left out, null map values kept. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.object !== null) out['object'] = this.object;
    if (this.objects !== null) out['objects'] = Object.fromEntries(this.objects);
    out['value'] = this.message;
    if (this.errorCode !== null) out['errorCode'] = this.errorCode;
    if (this.property !== null) out['property'] = this.property;
    if (this.objects !== null && this.indexes.length > 0) out['indexes'] = [...this.indexes];
    return out;
  }
}

export interface ImportCount {
  imported: number;
  updated: number;
  ignored: number;
  deleted: number;
}

export class ImportSummary {
  status: ImportStatus = 'SUCCESS';
  importOptions: ImportOptions | null = null;
  description: string | null = null;
  importCount: ImportCount = { imported: 0, updated: 0, ignored: 0, deleted: 0 };
  readonly conflicts = new Map<string, ImportConflict>();
  totalConflictOccurrenceCount = 0;
  readonly rejectedIndexes: number[] = [];
  dataSetComplete: string | null = null;

  addConflict(conflict: ImportConflict): void {
    this.totalConflictOccurrenceCount++;
    const existing = this.conflicts.get(conflict.groupingKey);
    if (!existing) this.conflicts.set(conflict.groupingKey, conflict);
    else existing.indexes.push(...conflict.indexes);
  }

  hasConflicts(): boolean {
    return this.conflicts.size > 0;
  }

  /** ImportSummary JSON as the WebMessage response or a task summary: responseType first, then field order, NON_NULL. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { responseType: 'ImportSummary', status: this.status };
    if (this.importOptions) out['importOptions'] = importOptionsJson(this.importOptions);
    if (this.description !== null) out['description'] = this.description;
    out['importCount'] = { ...this.importCount };
    out['conflicts'] = [...this.conflicts.values()].map((conflict) => conflict.toJSON());
    out['rejectedIndexes'] = [...this.rejectedIndexes];
    if (this.dataSetComplete !== null) out['dataSetComplete'] = this.dataSetComplete;
    return out;
  }
}

/** new ImportSummary(ERROR, "The import process failed: " + message): no counts, no conflicts. */
export function failedSummary(message: string): ImportSummary {
  const summary = new ImportSummary();
  summary.status = 'ERROR';
  summary.description = `The import process failed: ${message}`;
  return summary;
}

// -------------------------------------------------------------------------------------------------
// WebMessage around a summary (WebMessageUtils.importSummary, 2.41: WARNING is a 409)
// -------------------------------------------------------------------------------------------------

export function importSummaryMessage(summary: ImportSummary): { status: number; body: Record<string, unknown> } {
  const status = summary.status === 'SUCCESS' ? 200 : 409;
  const message =
    summary.status === 'ERROR'
      ? 'An error occurred, please check import summary.'
      : summary.status === 'WARNING'
        ? 'One more conflicts encountered, please check import summary.'
        : 'Import was successful.';
  return {
    status,
    body: {
      httpStatus: reasonPhrase(status),
      httpStatusCode: status,
      status: summary.status === 'SUCCESS' ? 'OK' : summary.status,
      message,
      response: summary.toJSON(),
    },
  };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlElements(value: Record<string, unknown>): string {
  let out = '';
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === undefined) continue;
    if (typeof child === 'object' && !Array.isArray(child)) out += `<${key}>${xmlElements(child as Record<string, unknown>)}</${key}>`;
    else out += `<${key}>${escapeXml(String(child))}</${key}>`;
  }
  return out;
}

/** The summary as Jackson's XML mapper writes it inside a webMessage (importCount and conflicts as attributes). */
export function importSummaryXml(summary: ImportSummary, status: number): string {
  const json = summary.toJSON();
  const wmStatus = summary.status === 'SUCCESS' ? 'OK' : summary.status;
  const message = String(importSummaryMessage(summary).body['message']);
  const count = summary.importCount;
  const options = json['importOptions'] ? `<importOptions>${xmlElements(json['importOptions'] as Record<string, unknown>)}</importOptions>` : '';
  const conflicts = [...summary.conflicts.values()]
    .map((conflict) => {
      const attrs = [
        conflict.errorCode ? `errorCode="${conflict.errorCode}"` : '',
        conflict.object !== null ? `object="${escapeXml(conflict.object)}"` : '',
        `value="${escapeXml(conflict.message)}"`,
        conflict.property !== null ? `property="${escapeXml(conflict.property)}"` : '',
      ]
        .filter((a) => a !== '')
        .join(' ');
      const indexes = conflict.objects && conflict.indexes.length > 0 ? conflict.indexes.map((i) => `<indexes>${i}</indexes>`).join('') : '';
      return `<conflict ${attrs}>${indexes}</conflict>`;
    })
    .join('');
  const rejected = summary.rejectedIndexes.map((i) => `<rejectedIndexes>${i}</rejectedIndexes>`).join('');
  const response =
    `<response responseType="ImportSummary"><status>${summary.status}</status>${options}` +
    (summary.description !== null ? `<description>${escapeXml(summary.description)}</description>` : '') +
    `<importCount imported="${count.imported}" updated="${count.updated}" ignored="${count.ignored}" deleted="${count.deleted}"/>` +
    `<conflicts>${conflicts}</conflicts>${rejected}` +
    (summary.dataSetComplete !== null ? `<dataSetComplete>${escapeXml(summary.dataSetComplete)}</dataSetComplete>` : '') +
    `</response>`;
  return (
    `<?xml version='1.0' encoding='UTF-8'?><webMessage xmlns="http://dhis2.org/schema/dxf/2.0" httpStatus="${reasonPhrase(status)}" httpStatusCode="${status}" status="${wmStatus}">` +
    `<message>${escapeXml(message)}</message>${response}</webMessage>`
  );
}
