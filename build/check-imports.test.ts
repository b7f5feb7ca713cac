import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPT = join(__dirname, 'check-imports.mjs');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(root: string): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { code: failed.status, out: failed.stderr };
  }
}

describe('check-imports (part of npm run lint)', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));
  const make = (files: Record<string, string>) => {
    const root = tree(files);
    roots.push(root);
    return root;
  };

  it('passes a tree that keeps the layers and has no cycle', () => {
    const root = make({
      'shared/contract.ts': "import { z } from 'zod';\nexport const x = z.string();\n",
      'renderer/src/page.ts': "import { x } from '@shared/contract';\nimport { y } from '@/lib/y';\nexport const page = [x, y];\n",
      'renderer/src/lib/y.ts': 'export const y = 1;\n',
      'main/core/a.ts': "import { readFileSync } from 'node:fs';\nimport { x } from '../../shared/contract';\nexport const a = [readFileSync, x];\n",
    });
    expect(check(root)).toMatchObject({ code: 0, out: expect.stringMatching(/4 files, layers kept, no import cycles/) });
  });

  it('refuses each layer crossing, naming the file and the import', () => {
    const root = make({
      'shared/bad.ts': "import { readFileSync } from 'node:fs';\nimport { a } from '../main/core/a';\nexport const b = [readFileSync, a];\n",
      'renderer/src/bad.ts': "import { a } from '../../main/core/a';\nimport path from 'path';\nexport const c = [a, path];\n",
      'main/core/a.ts': "import { app } from 'electron';\nimport { serve } from '../host/serve';\nexport const a = [app, serve];\n",
      'main/host/serve.ts': 'export const serve = 1;\n',
    });
    const { code, out } = check(root);
    expect(code).toBe(1);
    expect(out).toMatch(/shared\/bad\.ts: imports "node:fs": shared\/ is read by both sides/);
    expect(out).toMatch(/shared\/bad\.ts: imports "..\/main\/core\/a"/);
    expect(out).toMatch(/renderer\/src\/bad\.ts: imports "..\/..\/main\/core\/a": renderer\/ runs in the page/);
    expect(out).toMatch(/renderer\/src\/bad\.ts: imports "path"/);
    expect(out).toMatch(/main\/core\/a\.ts: imports "electron": main\/core is plain Node/);
    expect(out).toMatch(/main\/core\/a\.ts: imports "..\/host\/serve"/);
  });

  it('finds a cycle through type-only imports and .vue files, not through comments', () => {
    const root = make({
      'main/core/one.ts': "import type { Two } from './two';\nexport interface One { two: Two }\n",
      'main/core/two.ts': "import type { One } from './one';\nexport interface Two { one: One }\n",
      'renderer/src/A.vue': '<script setup lang="ts">\nimport { b } from \'./b\';\n</script>\n<template><p>{{ b }}</p></template>\n',
      'renderer/src/b.ts': "// import A from './A.vue' would make a cycle\nexport const b = 1;\n",
    });
    const { code, out } = check(root);
    expect(code).toBe(1);
    expect(out).toMatch(/Import cycle: main\/core\/one\.ts <-> main\/core\/two\.ts/);
    expect(out).not.toMatch(/A\.vue <->/);
  });
});
