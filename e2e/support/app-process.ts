import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { FileRef } from '../../shared/jobs';

/** The input argument of a call: optional where the contract's input has no required field. */
type InputArg<M extends MethodName> = Record<string, never> extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

const ROOT = join(__dirname, '..', '..');

/** The app in browser mode as a real child process, so tests can kill -9 it and start it again. */
export class AppProcess {
  private child: ChildProcess | null = null;
  openUrl = '';
  url = '';
  token = '';
  output = '';

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dhis2-ie.cjs'), 'serve', '--port', '0', '--data-dir', this.dataDir], {
      cwd: ROOT,
      env: { ...process.env, DHIS2_IE_SELF_TEST_JOBS: '1', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the app exited with ${code} before printing its address:\n${this.output}`)));
      setTimeout(() => reject(new Error(`the app printed no address within 30 s:\n${this.output}`)), 30_000).unref();
    });
    this.openUrl = firstLine.trim();
    const parsed = new URL(this.openUrl);
    this.token = parsed.searchParams.get('token') ?? '';
    this.url = parsed.origin;
  }

  /** Like pulling the plug: no shutdown code runs. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = null;
  }

  /** A contract call the way a script would make it (bearer token); input and answer are typed by shared/contract.ts. */
  async call<M extends MethodName>(name: M, ...[input]: InputArg<M>): Promise<MethodOutput<M>> {
    const response = await fetch(`${this.url}/api/call/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify(input ?? {}),
    });
    const body = (await response.json()) as { ok: boolean; result?: MethodOutput<M>; error?: { message: string } };
    if (!body.ok) throw new Error(`${name} failed: ${body.error?.message}`);
    return body.result as MethodOutput<M>;
  }

  async upload(name: string, content: Buffer): Promise<FileRef> {
    const response = await fetch(`${this.url}/api/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}` },
      body: content,
    });
    const body = (await response.json()) as { ok: boolean; result: FileRef };
    if (!body.ok) throw new Error('upload failed');
    return body.result;
  }
}
