import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

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

  /** A contract call the way a script would make it (bearer token). */
  async call<T = unknown>(name: string, input: unknown = {}): Promise<T> {
    const response = await fetch(`${this.url}/api/call/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${name} failed: ${body.error?.message}`);
    return body.result as T;
  }

  async upload(name: string, content: Buffer): Promise<{ sha256: string; name: string; size: number }> {
    const response = await fetch(`${this.url}/api/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}` },
      body: content,
    });
    const body = (await response.json()) as { ok: boolean; result: { sha256: string; name: string; size: number } };
    if (!body.ok) throw new Error('upload failed');
    return body.result;
  }
}
