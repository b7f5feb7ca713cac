// What every scenario of the campaign shares: the built CLI run as a child process (as a user runs it), with a time
// limit that kills it, and the outcome kept as bytes too, so control characters on stdout/stderr can be checked.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root: the campaign bundle lives in dist/campaign. */
export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'dhis2-ie.cjs');

export type Verdict = 'PASS' | 'FAIL' | 'NOT RUN';

export interface Row {
  item: string;
  attack: string;
  expected: string;
  observed: string;
  verdict: Verdict;
  ms: number;
  /** A command that shows the failure by hand (FAIL and NOT RUN only). */
  repro?: string;
}

export interface Outcome {
  observed: string;
  verdict: Verdict;
  repro?: string;
}

export interface Scenario {
  item: string;
  attack: string;
  expected: string;
  /** Upper bound of the whole scenario; past it the scenario is a FAIL and its processes are killed. */
  timeoutMs: number;
  run(ctx: Context): Promise<Outcome>;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Raw bytes, for the control-character checks (item 7). */
  rawOut: Buffer;
  rawErr: Buffer;
  ms: number;
  timedOut: boolean;
}

export interface CliOptions {
  timeoutMs?: number;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (and group of the same id): root ignores file modes, so EACCES needs another user. */
  uid?: number;
  /** Called once the process is spawned (to kill it at a chosen moment). */
  onSpawn?: (proc: ChildProcess) => void;
}

/** Per scenario: its own temp folder and a list of processes to kill when it ends, whatever happened. */
export class Context {
  readonly work: string;
  private readonly procs = new Set<ChildProcess>();
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  constructor(name: string) {
    this.work = mkdtempSync(join(tmpdir(), `dhis2-ie-campaign-${name}-`));
  }

  dir(name: string): string {
    const path = join(this.work, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  onClose(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /** `dhis2-ie ARGS --data-dir DATA`: data is a folder name inside the work folder, or null for no --data-dir. */
  cli(data: string | null, args: string[], opts: CliOptions = {}): Promise<CliRun> {
    const argv = data === null ? args : [...args, '--data-dir', join(this.work, data)];
    return this.spawnNode([BIN, ...argv], opts);
  }

  /** A command line a person can paste to see the same thing (paths are the campaign's temp ones, so indicative). */
  static line(args: string[]): string {
    return ['node bin/dhis2-ie.cjs', ...args.map((a) => (/^[\w./:=,-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))].join(' ');
  }

  spawnNode(argv: string[], opts: CliOptions = {}): Promise<CliRun> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, argv, {
        cwd: this.work,
        env: { ...process.env, NO_COLOR: '1', ...opts.env },
        stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
      });
      this.procs.add(proc);
      opts.onSpawn?.(proc);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      proc.stdout!.on('data', (b: Buffer) => out.push(b));
      proc.stderr!.on('data', (b: Buffer) => err.push(b));
      if (opts.stdin !== undefined) proc.stdin!.end(opts.stdin);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        proc.kill('SIGKILL');
      }, opts.timeoutMs ?? 60_000);
      proc.on('error', (error) => {
        clearTimeout(timer);
        this.procs.delete(proc);
        reject(error);
      });
      proc.on('close', (code, signal) => {
        clearTimeout(timer);
        this.procs.delete(proc);
        const rawOut = Buffer.concat(out);
        const rawErr = Buffer.concat(err);
        resolve({
          code,
          signal,
          rawOut,
          rawErr,
          stdout: rawOut.toString('utf8'),
          stderr: rawErr.toString('utf8'),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          timedOut,
        });
      });
    });
  }

  async close(): Promise<void> {
    for (const proc of this.procs) proc.kill('SIGKILL');
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** A Node stack frame, an uncaught error's name, or library noise: what a user must never see. */
const NOISE = [/^\s+at .+(:\d+:\d+\)?|native\)?)$/m, /Cannot read properties/, /node:internal/, /\bTypeError\b/, /\bSqliteError\b/, /Unhandled/i, /pdf-lib/i];

export function noise(text: string): string | null {
  for (const pattern of NOISE) {
    const match = pattern.exec(text);
    if (match) return match[0].trim().slice(0, 80);
  }
  return null;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** First line of a text, shortened for a table cell. */
export function brief(text: string, max = 140): string {
  const first = lines(text)[0] ?? '(nothing)';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function pass(observed: string): Outcome {
  return { observed, verdict: 'PASS' };
}

export function fail(observed: string, repro: string): Outcome {
  return { observed, verdict: 'FAIL', repro };
}

export function verdict(ok: boolean, observed: string, repro: string): Outcome {
  return ok ? pass(observed) : fail(observed, repro);
}

/** Checks many conditions and keeps the first one that did not hold, with what was seen. */
export class Checks {
  private readonly failed: string[] = [];
  private readonly seen: string[] = [];

  expect(ok: boolean, what: string): this {
    if (!ok) this.failed.push(what);
    return this;
  }

  note(text: string): this {
    this.seen.push(text);
    return this;
  }

  get ok(): boolean {
    return this.failed.length === 0;
  }

  outcome(repro: string): Outcome {
    const seen = this.seen.join('; ');
    return this.ok ? pass(seen) : fail(`${this.failed.map((f) => `NOT ${f}`).join('; ')}. Seen: ${seen}`, repro);
  }
}

/** A cell of the markdown table: no pipes or line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not end within ${seconds(ms)}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
