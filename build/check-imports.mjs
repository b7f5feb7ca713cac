#!/usr/bin/env node
// Part of `npm run lint`: the layers of ARCHITECTURE.md and "no import cycles", checked on every
// import (type-only ones too: a type cycle is still two modules that cannot be read apart).
// ESLint's no-restricted-imports gives the same layer errors in the editor; cycles need the whole graph.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// `--root DIR` checks another tree (the tests give it small ones with known faults).
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['main', 'shared', 'renderer/src', 'preload', 'e2e'];
const SKIPPED = new Set(['node_modules', 'dist', 'release', 'test-results', 'playwright-report']);
const ALIASES = [
  ['@shared/', 'shared/'],
  ['@/', 'renderer/src/'],
];
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** What each layer may not import: a rule names the importing files and the imports it refuses, with the reason. */
const RULES = [
  {
    from: (file) => file.startsWith('shared/'),
    refuses: (target) => target.builtin || target.file?.startsWith('main/') || target.file?.startsWith('renderer/') || target.file?.startsWith('e2e/'),
    why: 'shared/ is read by both sides: it imports neither Node modules nor main/, renderer/ or e2e/',
  },
  {
    from: (file) => file.startsWith('renderer/'),
    refuses: (target) => target.builtin || (target.file !== undefined && !target.file.startsWith('renderer/') && !target.file.startsWith('shared/')),
    why: 'renderer/ runs in the page: it imports only shared/ and itself',
  },
  {
    from: (file) => file.startsWith('main/core/'),
    refuses: (target) => target.specifier === 'electron' || ['main/app/', 'main/host/', 'main/cli/'].some((layer) => target.file?.startsWith(layer)),
    why: 'main/core is plain Node: it never imports electron, main/app, main/host or main/cli',
  },
];

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (SKIPPED.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|vue)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiersOf(file) {
  let text = readFileSync(join(root, file), 'utf8');
  if (file.endsWith('.vue')) text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  // Comments can mention imports; they are not imports.
  text = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

function resolveFile(base) {
  for (const candidate of [base, `${base}.ts`, `${base}.mts`, `${base}.vue`, `${base}/index.ts`]) {
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  // An import of ./x.js written for Node's ESM resolution points at x.ts.
  const ts = base.replace(/\.(c|m)?js$/, '.ts');
  return ts !== base && existsSync(join(root, ts)) ? ts : undefined;
}

function targetOf(file, specifier) {
  if (NODE_BUILTINS.has(specifier)) return { specifier, builtin: true };
  for (const [alias, path] of ALIASES) {
    if (specifier.startsWith(alias)) return { specifier, builtin: false, file: resolveFile(path + specifier.slice(alias.length)) };
  }
  if (specifier.startsWith('.')) {
    const base = relative(root, resolve(root, dirname(file), specifier))
      .split(sep)
      .join('/');
    return { specifier, builtin: false, file: resolveFile(base) };
  }
  return { specifier, builtin: false };
}

const files = SCANNED.filter((dir) => existsSync(join(root, dir))).flatMap((dir) => walk(join(root, dir), []));
const graph = new Map();
const problems = [];
for (const file of files) {
  const edges = new Set();
  for (const specifier of specifiersOf(file)) {
    const target = targetOf(file, specifier);
    for (const rule of RULES) {
      if (rule.from(file) && rule.refuses(target)) problems.push(`${file}: imports "${specifier}": ${rule.why}.`);
    }
    if (target.file) edges.add(target.file);
  }
  graph.set(file, edges);
}

// Tarjan's strongly connected components: every component of two or more modules is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function connect(node) {
  index.set(node, counter);
  low.set(node, counter++);
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue;
    if (!index.has(next)) {
      connect(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
  }
  if (low.get(node) === index.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
  }
}
for (const file of graph.keys()) if (!index.has(file)) connect(file);
for (const cycle of cycles) problems.push(`Import cycle: ${cycle.join(' <-> ')}. Move what both need into a module of its own.`);

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-imports: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files.length} files.`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, layers kept, no import cycles.`);
