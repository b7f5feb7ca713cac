import { metadataImportParamsJson, type MetadataImportParams } from './md-params';

/**
 * The metadata ImportReport of 2.41 (ImportReport, TypeReport, ObjectReport, ErrorReport, Stats) with
 * the merge and clean rules the import relies on, and JSON in the order Jackson writes these classes:
 * @JsonCreator properties first (ErrorReport: message, args, mainKlass, errorCode), then fields, then
 * getter-only properties (Stats.total last). Type reports keep the order they were first added in;
 * object reports sort by index (small Integer keys of a HashMap); an object's error reports group by
 * error code in ErrorCode declaration order (EnumMap).
 */

/** ErrorCode.java templates (2.41) the metadata import uses, in declaration order; md-report.test.ts checks them against the tsv. */
export const MD_ERROR_CODES = {
  E3000: 'User `{0}` is not allowed to create objects of type {1}',
  E3001: 'User `{0}` is not allowed to update object `{1}`',
  E3002: 'User `{0}` is not allowed to delete object `{1}`',
  E4000: 'Missing required property `{0}`',
  E4001: 'Maximum length of property `{0}`is {1}, but given length was {2}',
  E4003: 'Property `{0}` requires a valid email address, was given `{1}`',
  E4004: 'Property `{0}` requires a valid URL, was given `{1}`',
  E4009: 'Attribute `{0}` is unique, and value `{1}` already exist',
  E4011: 'Attribute `{0}` is required, but no value was found',
  E4014: 'Invalid UID `{0}` for property `{1}`',
  E4030: 'Object could not be deleted because it is associated with another object: {0}',
  E5000: 'Found matching object for reference, but import mode is CREATE. Identifier was {0}, and object was {1}.',
  E5001: 'No matching object for reference. Identifier was {0}, and object was {1}.',
  E5002: 'Invalid reference {0} on object {1} for association `{2}`',
  E5003: 'Property `{0}` with value `{1}` on object {2} already exists on object {3}',
  E5004: 'Id `{0}` for type `{1}` exists on more than 1 object in the payload, removing all but the first found',
  E5007: 'Duplicate reference {0} on object {1} for association `{2}`',
} as const;

export type MdErrorCode = keyof typeof MD_ERROR_CODES;

/** Declaration order of these codes in ErrorCode.java: an object's error reports are grouped in this order. */
export const MD_ERROR_CODE_ORDER: readonly string[] = Object.keys(MD_ERROR_CODES);

const CODE_ORDER = new Map(MD_ERROR_CODE_ORDER.map((code, i) => [code, i]));

/** A Java value as an ErrorReport argument: Class objects print as "class <name>" in messages and args, as the bare name in errorProperties. */
export type Arg = string | number | null | { javaClass: string };

/** java.text.MessageFormat: numbers with grouping separators, missing arguments left as "{n}". */
function formatArg(arg: Arg): string {
  if (arg === null) return 'null';
  if (typeof arg === 'number') return Number.isInteger(arg) ? arg.toLocaleString('en-US') : String(arg);
  if (typeof arg === 'object') return `class ${arg.javaClass}`;
  return arg;
}

export function formatTemplate(template: string, args: readonly Arg[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const index = Number(n);
    return index < args.length ? formatArg(args[index] ?? null) : whole;
  });
}

export class ErrorReport {
  mainId: string | null = null;
  errorKlass: string | null = null;
  errorProperty: string | null = null;
  value: unknown = null;
  readonly message: string;
  readonly args: readonly Arg[];

  constructor(
    readonly mainKlass: string,
    readonly errorCode: MdErrorCode,
    args: readonly Arg[],
    /** A prepared message (ErrorMessage(message, code, null)), whose args are then empty. */
    message?: string,
  ) {
    this.args = message === undefined ? args : [];
    this.message = message ?? formatTemplate(MD_ERROR_CODES[errorCode], args);
  }

  setMainId(id: string | null): this {
    this.mainId = id;
    return this;
  }

  setErrorKlass(klass: string | null): this {
    this.errorKlass = klass;
    return this;
  }

  setErrorProperty(property: string | null): this {
    this.errorProperty = property;
    return this;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      message: this.message,
      args: this.args.map((arg) => (arg === null ? null : typeof arg === 'object' ? `class ${arg.javaClass}` : String(arg))),
      mainKlass: this.mainKlass,
      errorCode: this.errorCode,
    };
    if (this.mainId !== null) out['mainId'] = this.mainId;
    if (this.errorKlass !== null) out['errorKlass'] = this.errorKlass;
    if (this.errorProperty !== null) out['errorProperty'] = this.errorProperty;
    out['errorProperties'] = this.args.map((arg) => (arg !== null && typeof arg === 'object' ? arg.javaClass : arg));
    if (this.value !== null && this.value !== undefined) out['value'] = this.value;
    return out;
  }
}

export class ObjectReport {
  displayName: string | null;
  private readonly byCode = new Map<string, ErrorReport[]>();

  constructor(
    readonly klass: string,
    readonly index: number,
    readonly uid: string | null,
    displayName: string | null = null,
  ) {
    this.displayName = displayName;
  }

  add(report: ErrorReport): this {
    const list = this.byCode.get(report.errorCode) ?? [];
    list.push(report);
    this.byCode.set(report.errorCode, list);
    return this;
  }

  errorReports(): ErrorReport[] {
    return [...this.byCode.entries()].sort((a, b) => (CODE_ORDER.get(a[0]) ?? 0) - (CODE_ORDER.get(b[0]) ?? 0)).flatMap(([, list]) => list);
  }

  hasErrors(): boolean {
    return this.byCode.size > 0;
  }

  /** ObjectReport.merge: the other report's errors are added, the rest of this one stays. */
  merge(other: ObjectReport): void {
    if (other === this) return;
    for (const report of other.errorReports()) this.add(report);
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { klass: this.klass, index: this.index };
    if (this.uid !== null) out['uid'] = this.uid;
    if (this.displayName !== null) out['displayName'] = this.displayName;
    out['errorReports'] = this.errorReports().map((report) => report.toJSON());
    return out;
  }
}

export class Stats {
  created = 0;
  updated = 0;
  deleted = 0;
  ignored = 0;

  get total(): number {
    return this.created + this.updated + this.deleted + this.ignored;
  }

  merge(other: Stats): void {
    this.created += other.created;
    this.updated += other.updated;
    this.deleted += other.deleted;
    this.ignored += other.ignored;
  }

  /** Stats.ignored(): everything counted so far becomes ignored (an atomic import that failed). */
  ignoreAll(): void {
    this.ignored += this.created + this.updated + this.deleted;
    this.created = 0;
    this.updated = 0;
    this.deleted = 0;
  }

  toJSON(): Record<string, number> {
    return { created: this.created, updated: this.updated, deleted: this.deleted, ignored: this.ignored, total: this.total };
  }
}

export class TypeReport {
  readonly stats = new Stats();
  private readonly objects = new Map<number, ObjectReport>();

  constructor(readonly klass: string) {}

  /** TypeReport.addObjectReport: a second report for the same index adds its errors to the first. */
  addObjectReport(report: ObjectReport): void {
    const existing = this.objects.get(report.index);
    if (existing) existing.merge(report);
    else this.objects.set(report.index, report);
  }

  /** TypeReport.merge: stats add up; for an index already present only the errors are added. */
  merge(other: TypeReport): void {
    this.stats.merge(other.stats);
    for (const report of other.objectReports()) {
      const existing = this.objects.get(report.index);
      if (existing) existing.merge(report);
      else this.objects.set(report.index, report);
    }
  }

  objectReports(): ObjectReport[] {
    return [...this.objects.values()].sort((a, b) => a.index - b.index);
  }

  hasErrors(): boolean {
    return [...this.objects.values()].some((report) => report.hasErrors());
  }

  /** TypeReport.clean(): object reports without errors go. */
  clean(): void {
    for (const [index, report] of this.objects) if (!report.hasErrors()) this.objects.delete(index);
  }

  errorReports(): ErrorReport[] {
    return this.objectReports().flatMap((report) => report.errorReports());
  }

  toJSON(): Record<string, unknown> {
    return { klass: this.klass, stats: this.stats.toJSON(), objectReports: this.objectReports().map((report) => report.toJSON()) };
  }
}

export type ReportStatus = 'OK' | 'WARNING' | 'ERROR';

export class ImportReport {
  status: ReportStatus = 'OK';
  private readonly types = new Map<string, TypeReport>();

  constructor(readonly params: MetadataImportParams) {}

  addTypeReport(report: TypeReport): void {
    const existing = this.types.get(report.klass);
    if (existing) existing.merge(report);
    else {
      const copy = new TypeReport(report.klass);
      copy.merge(report);
      this.types.set(report.klass, copy);
    }
  }

  typeReports(): TypeReport[] {
    return [...this.types.values()];
  }

  hasErrors(): boolean {
    return this.typeReports().some((report) => report.hasErrors());
  }

  errorReports(): ErrorReport[] {
    return this.typeReports().flatMap((report) => report.errorReports());
  }

  stats(): Stats {
    const stats = new Stats();
    for (const report of this.types.values()) stats.merge(report.stats);
    return stats;
  }

  /** ImportReport.clean(): type reports that counted nothing go. */
  clean(): void {
    for (const [klass, report] of this.types) if (report.stats.total === 0) this.types.delete(klass);
  }

  /** The ImportReport itself (job summaries, /api/37 and older): importParams, status, stats, typeReports. */
  toJSON(): Record<string, unknown> {
    return {
      importParams: metadataImportParamsJson(this.params),
      status: this.status,
      stats: this.stats().toJSON(),
      typeReports: this.typeReports().map((report) => report.toJSON()),
    };
  }

  /** ImportReportWebMessageResponse: no importParams. */
  responseJson(): Record<string, unknown> {
    return {
      responseType: 'ImportReport',
      status: this.status,
      stats: this.stats().toJSON(),
      typeReports: this.typeReports().map((report) => report.toJSON()),
    };
  }
}
