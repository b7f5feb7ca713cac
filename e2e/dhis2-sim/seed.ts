import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/** A metadata export as GET /api/metadata writes it: `{ "system": {...}, "date": "...", "<type>": [objects] }`. */
export type MetadataObject = Record<string, unknown>;
export type Metadata = Record<string, unknown>;

/** Keys of an export that are not object lists. */
const HEADER_KEYS = new Set(['system', 'date']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const MetadataSchema = z.record(z.string(), z.unknown()).superRefine((document, ctx) => {
  for (const [type, value] of Object.entries(document)) {
    if (HEADER_KEYS.has(type)) continue;
    if (!Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', path: [type], message: `"${type}" should be a list of objects but is ${describe(value)}` });
      continue;
    }
    const bad = value.findIndex((item) => typeof item !== 'object' || item === null || Array.isArray(item));
    if (bad >= 0) {
      ctx.addIssue({ code: 'custom', path: [type, bad], message: `"${type}"[${bad}] should be an object but is ${describe(value[bad])}` });
    }
  }
});

export class SeedError extends Error {
  override name = 'SeedError';
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a metadata export (.json, or gzipped like .json.gz) and checks its shape; errors name the file and the problem. */
export async function loadSeed(file: string): Promise<Metadata> {
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SeedError(`Cannot read seed file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let textContent: string;
  try {
    textContent = (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new SeedError(`Seed file ${path} looks gzipped but cannot be unpacked: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textContent);
  } catch (error) {
    throw new SeedError(`Seed file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checked = MetadataSchema.safeParse(parsed);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => issue.message).join('; ');
    const detail = Array.isArray(parsed) || typeof parsed !== 'object' || parsed === null ? `the top level is ${describe(parsed)}, not an object` : problems;
    throw new SeedError(`Seed file ${path} is not a DHIS2 metadata export (expected {"<type>": [objects], ...}): ${detail}`);
  }
  return checked.data;
}

export function metadataObjects(metadata: Metadata | null, type: string): MetadataObject[] {
  const list = metadata?.[type];
  return Array.isArray(list) ? (list as MetadataObject[]) : [];
}
