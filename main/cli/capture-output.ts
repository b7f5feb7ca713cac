import type { Output } from './output';

/** An Output that keeps what a command printed, for tests. */
export function captureOutput(): Output & { stdout: string; stderr: string } {
  const sink = {
    stdout: '',
    stderr: '',
    out(text: string) {
      sink.stdout += `${text}\n`;
    },
    err(text: string) {
      sink.stderr += `${text}\n`;
    },
  };
  return sink;
}
