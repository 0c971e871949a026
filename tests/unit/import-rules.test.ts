// Imports flow one way: edges (HTTP, sockets, later SMTP and IMAP) -> domain -> storage, with leaf modules
// (config, errors, logger, ids, rate limits, domain types, the event bus) below all. Composition files (app.ts,
// main.ts, boot.ts, cli.ts, the module interface and each feature's module.ts) sit above and may import anything;
// storage imports nothing of the server.
// The browser knows the server only through the socket protocol and the API's JSON types.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const LEAF = 0;
const STORAGE = 1;
const DOMAIN = 2;
const EDGE = 3;
const COMPOSITION = 4;
const NAMES = ['leaf', 'storage', 'domain', 'edge', 'composition'];

const EDGES = ['server/http/', 'server/realtime/', 'server/mail/smtp/', 'server/mail/imap/'];
const DOMAINS = [
  'server/access/',
  'server/accounts/',
  'server/documents/',
  'server/conversion/',
  'server/tracking/',
  'server/mail/',
  'server/notify/',
  'server/signals/',
  'server/replies/',
];
const COMPOSITION_FILES = [
  'server/app.ts',
  'server/main.ts',
  'server/boot.ts',
  'server/cli.ts',
  'server/worker.ts',
  'server/feature-module.ts',
];

/** The layer of a server or storage file; null for the browser code (checked by its own rule). */
function layerOf(file: string): number | null {
  if (COMPOSITION_FILES.includes(file) || /^server\/[^/]+\/module\.ts$/.test(file)) return COMPOSITION;
  if (file.startsWith('storage/')) return STORAGE;
  if (EDGES.some((p) => file.startsWith(p))) return EDGE;
  if (DOMAINS.some((p) => file.startsWith(p))) return DOMAIN;
  if (/^server\/[^/]+\.ts$/.test(file)) return LEAF;
  if (file.startsWith('server/')) throw new Error(`${file} is in no layer: add its folder to the rules`);
  return null;
}

/** The edge a file belongs to (its folder), so two edges can be told apart. */
const edgeOf = (file: string) => EDGES.filter((p) => file.startsWith(p)).sort((a, b) => b.length - a.length)[0];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'public' && entry.name !== 'node_modules') out.push(...sources(rel));
    } else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Relative imports and re-exports of a file (static, type-only and dynamic), resolved to repository paths. */
function importsOf(file: string): { target: string; typeOnly: boolean; dynamic: boolean }[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: { target: string; typeOnly: boolean; dynamic: boolean }[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4]!;
    found.push({
      target: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)),
      typeOnly: Boolean(m[2]),
      dynamic: Boolean(m[4]),
    });
  }
  return found;
}

const files = [...sources('server'), ...sources('storage'), ...sources('viewer')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('the import graph is read (a broken pattern would make every rule pass)', () => {
  assert.ok(files.length > 60, `only ${files.length} files found`);
  const edges = [...graph.values()].reduce((n, list) => n + list.length, 0);
  assert.ok(edges > 150, `only ${edges} imports found`);
  assert.ok(
    graph.get('server/app.ts')!.some((i) => i.target === 'server/config.ts'),
    'app.ts imports config.ts',
  );
  assert.ok(
    graph.get('server/realtime/protocol.ts')!.some((i) => i.target === 'server/domain-types.ts'),
    'protocol.ts re-exports the domain types',
  );
});

test('no layer imports a layer above it', () => {
  const broken: string[] = [];
  for (const [file, list] of graph) {
    const from = layerOf(file);
    if (from === null) continue;
    for (const { target } of list) {
      const to = layerOf(target);
      if (to !== null && to > from && to !== COMPOSITION)
        broken.push(`${file} (${NAMES[from]}) imports ${target} (${NAMES[to]})`);
      // Storage knows nothing of the server, not even its leaf modules: its errors are its own, mapped at the edge.
      if (from === STORAGE && !target.startsWith('storage/')) broken.push(`${file} (storage) imports ${target}`);
      if (to === COMPOSITION && file !== 'server/app.ts' && from !== COMPOSITION)
        broken.push(`${file} imports the composition file ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

/** Storage adapters, each in a folder named for its technology, with the factory that alone may load it. */
const ADAPTERS: [string, string][] = [
  ['storage/db/sqlite/', 'storage/db/index.ts'],
  ['storage/db/postgres/', 'storage/db/index.ts'],
  ['storage/blobs/s3.ts', 'storage/blobs/index.ts'],
];

test('storage adapters are loaded lazily by their factory, never imported by the server or by each other', () => {
  const broken: string[] = [];
  for (const [file, list] of graph) {
    for (const { target, typeOnly, dynamic } of list) {
      const adapter = ADAPTERS.find(([prefix]) => target.startsWith(prefix));
      if (!adapter || file.startsWith(adapter[0]) || typeOnly) continue;
      const [, factory] = adapter;
      if (file !== factory) broken.push(`${file} imports the adapter ${target} (only ${factory} may)`);
      else if (!dynamic) broken.push(`${file} imports ${target} statically (load it only when configured)`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(
    graph.get('storage/db/index.ts')!.some((i) => i.dynamic && i.target.startsWith('storage/db/postgres/')),
    'the database factory loads the PostgreSQL adapter',
  );
});

test('edges never import each other', () => {
  const broken: string[] = [];
  for (const [file, list] of graph) {
    const mine = edgeOf(file);
    if (!mine || layerOf(file) !== EDGE) continue;
    for (const { target } of list) {
      const theirs = edgeOf(target);
      if (theirs && theirs !== mine && !theirs.startsWith(mine) && layerOf(target) === EDGE)
        broken.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('there are no import cycles', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const { target } of graph.get(file) ?? []) visit(target, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});

test('the browser imports only types, and from the server only the protocol and the API types', () => {
  const allowed = new Set(['server/realtime/protocol.ts', 'server/api-types.ts']);
  const broken: string[] = [];
  for (const [file, list] of graph) {
    if (!file.startsWith('viewer/') || file === 'viewer/build.ts') continue;
    for (const { target, typeOnly } of list) {
      if (target.startsWith('viewer/')) continue;
      if (!allowed.has(target) || !typeOnly)
        broken.push(`${file} imports ${target}${typeOnly ? '' : ' (not type-only)'}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('every imported file exists', () => {
  const missing = [...graph].flatMap(([file, list]) =>
    list.filter((i) => !fs.existsSync(path.join(ROOT, i.target))).map((i) => `${file} -> ${i.target}`),
  );
  assert.deepEqual(missing, []);
});
