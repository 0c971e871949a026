// No browser code of ours turns a string into markup: the dashboard renders through Preact (text is always
// escaped) and the reader through pdf.js components, so no file under viewer/ may use an HTML sink. The built
// bundles (pdf.js and Preact inside) are not our source and are not read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VIEWER = path.join(ROOT, 'viewer');
const SKIP = new Set([path.join(VIEWER, 'public', 'build'), path.join(VIEWER, 'node_modules')]);
const TEXT = /\.(ts|tsx|js|mjs|html|svg)$/;

const SINKS: [string, RegExp][] = [
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\s*\.\s*write(ln)?\b/],
  ['dangerouslySetInnerHTML', /\bdangerouslySetInnerHTML\b/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['setHTMLUnsafe', /\b(setHTMLUnsafe|parseHTMLUnsafe)\b/],
];

function sources(dir: string): string[] {
  if (SKIP.has(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return TEXT.test(entry.name) ? [full] : [];
  });
}

/** Every use of a sink in `text`, as "line N: name". */
export function sinksIn(text: string): string[] {
  return text.split('\n').flatMap((line, i) => SINKS.filter(([, re]) => re.test(line)).map(([n]) => `${i + 1}: ${n}`));
}

describe('no HTML sinks in viewer/', () => {
  const files = sources(VIEWER).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));

  it('reads the dashboard and the reader', () => {
    for (const expected of ['viewer/dashboard/main.tsx', 'viewer/dashboard/pages/app.tsx', 'viewer/reader/main.ts'])
      assert.ok(files.includes(expected), `${expected} is not scanned`);
    assert.ok(!files.some((f) => f.startsWith('viewer/public/build/')), 'built bundles are not ours to scan');
  });

  it('finds none', () => {
    const found: string[] = [];
    for (const file of files) {
      for (const hit of sinksIn(fs.readFileSync(path.join(ROOT, file), 'utf8'))) found.push(`${file} ${hit}`);
    }
    assert.deepEqual(found, []);
  });

  it('recognises each sink and leaves text-only APIs alone', () => {
    const hostile = [
      'el.innerHTML = name;',
      'const s = el.outerHTML;',
      "el.insertAdjacentHTML('beforeend', x);",
      'document.write(x);',
      'document . writeln(x);',
      '<div dangerouslySetInnerHTML={{ __html: x }} />',
      'range.createContextualFragment(x);',
      'el.setHTMLUnsafe(x);',
      "el['innerHTML'] = x;",
    ];
    for (const line of hostile) assert.equal(sinksIn(line).length, 1, line);
    const harmless = ['el.textContent = name;', 'el.innerText', 'el.replaceChildren(node);', 'writeFile(x)'];
    for (const line of harmless) assert.deepEqual(sinksIn(line), [], line);
  });
});
