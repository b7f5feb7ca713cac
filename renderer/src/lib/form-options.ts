import type { z } from 'zod';
import { formatParamValue, humanizeKey } from './params';

type Shape = Record<string, z.ZodType>;
export type Labels = Readonly<Record<string, string>>;

export interface RestoredOptions<S extends Shape> {
  /** Each option of the old job that today's schema still accepts; a key is absent when it was not set or is not accepted. */
  values: { [K in keyof S]?: z.output<S[K]> };
  /** One sentence per option that could not be carried over, for the Recreate banner. */
  notRestored: string[];
}

/**
 * Reads an old job's options through today's schema, so every form's Recreate treats a changed
 * schema the same way. An option the job never set (a field added since) takes its default
 * silently: the old job could not have chosen otherwise. An option that is no longer accepted or
 * no longer exists is left out, and said.
 */
export function restoreOptions<S extends Shape>(shape: S, params: Readonly<Record<string, unknown>>, labels: Labels = {}): RestoredOptions<S> {
  const values: { [K in keyof S]?: z.output<S[K]> } = {};
  const notRestored: string[] = [];
  const label = (key: string) => labels[key] ?? humanizeKey(key);
  for (const key of Object.keys(shape) as Array<keyof S & string>) {
    const raw = params[key];
    if (raw === undefined) continue;
    const parsed = shape[key]!.safeParse(raw);
    if (parsed.success) {
      if (parsed.data !== undefined) values[key] = parsed.data as z.output<S[typeof key]>;
    } else {
      notRestored.push(`${label(key)}: “${formatParamValue(raw)}” is no longer accepted, so the default is used.`);
    }
  }
  for (const key of Object.keys(params)) {
    if (!(key in shape) && params[key] !== undefined) notRestored.push(`${label(key)}: this option no longer exists and was left out.`);
  }
  return { values, notRestored };
}

/** A schema's complaint as a sentence: "Choose at least one data set." */
export function issueText(issue: z.core.$ZodIssue): string {
  const text = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A schema's complaints as lines of the form's error list: "Data set: Must be a data set id (11 letters and digits)." */
export function issueMessages(issues: readonly z.core.$ZodIssue[], labels: Labels): string[] {
  return issues.map((issue) => `${labels[String(issue.path[0] ?? '')] ?? 'Options'}: ${issueText(issue)}`);
}

/** How many of `keys` differ from the defaults: the count the "Advanced options" title shows. */
export function countChanged<T extends object>(current: T, defaults: T, keys: ReadonlyArray<keyof T>): number {
  return keys.filter((key) => String(current[key]) !== String(defaults[key])).length;
}
