import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

// main/core must run under plain Node (CLI, browser mode, tests); Electron enters only through ports.
describe('main/core', () => {
  it('never imports electron', () => {
    const offenders = sources(__dirname).filter((file) =>
      /from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('is also free of electron in main/host and main/cli, which run without it', () => {
    const files = [...sources(join(__dirname, '..', 'host')), ...sources(join(__dirname, '..', 'cli'))];
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => /['"]electron['"]/.test(readFileSync(file, 'utf8')))).toEqual([]);
  });
});
