import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from './server';
import { ADMIN_BASIC, basic } from './test-support';

/** Helpers for the metadata import/export tests: the fixtures copied into e2e/fixtures, and POST /api/metadata. */

export const MD_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures');

export function mdFixture(path: string): string {
  return readFileSync(join(MD_FIXTURES, path), 'utf8');
}

export function mdFixtureJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(mdFixture(path)) as T;
}

export const IMPORTER_BASIC = basic('importer', 'district');

export interface Posted {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function postMetadata(
  sim: Simulator,
  body: string | Buffer | Record<string, unknown>,
  query = '',
  options: { contentType?: string; auth?: string; path?: string } = {},
): Promise<Posted> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const response = await fetch(`${sim.url}${options.path ?? '/api/metadata'}${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: { Authorization: options.auth ?? ADMIN_BASIC, 'Content-Type': options.contentType ?? 'application/json' },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export interface Report {
  responseType?: string;
  importParams?: Record<string, unknown>;
  status: string;
  stats: { created: number; updated: number; deleted: number; ignored: number; total: number };
  typeReports: {
    klass: string;
    stats: { created: number; updated: number; deleted: number; ignored: number; total: number };
    objectReports: { klass: string; index: number; uid?: string; displayName?: string; errorReports: ErrorReportJson[] }[];
  }[];
}

export interface ErrorReportJson {
  message: string;
  args: (string | null)[];
  mainKlass: string;
  errorCode: string;
  mainId?: string;
  errorKlass?: string;
  errorProperty?: string;
  errorProperties: unknown[];
}

export function reportOf(posted: Posted): Report {
  return posted.body['response'] as Report;
}

export function errorsOf(report: Report): ErrorReportJson[] {
  return report.typeReports.flatMap((type) => type.objectReports.flatMap((object) => object.errorReports));
}

export async function withSimulator<T>(run: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator();
  try {
    return await run(sim);
  } finally {
    await sim.close();
  }
}
