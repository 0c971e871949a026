// Builds the browser bundles into viewer/public/build/, served under /assets/.
// Everything pdf.js needs at run time (worker, images, cmaps, fonts, wasm) is copied beside the
// bundles so the service never depends on a third-party host. Safe to run repeatedly.

import * as esbuild from 'esbuild';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib } from 'node:zlib';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'public', 'build');
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** Copies a file or a folder, skipping files whose size and mtime already match (keeps rebuilds fast). */
async function copyIfChanged(from: string, to: string): Promise<void> {
  const source = await stat(from);
  if (source.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const name of await readdir(from)) await copyIfChanged(join(from, name), join(to, name));
    return;
  }
  const target = await stat(to).catch(() => null);
  if (target && target.size === source.size && target.mtimeMs >= source.mtimeMs) return;
  await cp(from, to, { preserveTimestamps: true });
}

const compress = promisify(brotliCompress);
const COMPRESSIBLE = /\.(m?js|css|svg|wasm)$/;

/** Writes a Brotli copy (`.br`) beside each script, stylesheet, icon and wasm file whose copy is older, so
 * the server sends a quarter of the bytes to browsers that accept it without compressing per request. */
async function precompress(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const [source, packed] = await Promise.all([stat(file), stat(`${file}.br`).catch(() => null)]);
    if (packed && packed.mtimeMs >= source.mtimeMs) continue;
    const body = await compress(await readFile(file), {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: source.size },
    });
    await writeFile(`${file}.br`, body);
  }
}

export async function build(options: { minify?: boolean } = {}): Promise<void> {
  const started = performance.now();
  await mkdir(outdir, { recursive: true });
  await esbuild.build({
    // Stylesheets are entries of their own (not imported from TS) so tsc never has to resolve .css.
    entryPoints: [
      // reader.js opens the visit; reader-view.js (pdf.js) is loaded beside it, so the first is small and quick.
      { in: join(here, 'reader', 'main.ts'), out: 'reader' },
      { in: join(here, 'reader', 'document-view.ts'), out: 'reader-view' },
      { in: join(here, 'reader', 'reader.css'), out: 'reader' },
      { in: join(here, 'reader', 'unavailable.css'), out: 'unavailable' },
      { in: join(here, 'dashboard', 'main.tsx'), out: 'dashboard' },
      { in: join(here, 'dashboard', 'dashboard.css'), out: 'dashboard' },
    ],
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    // pdf_viewer.css points at its icons with relative url()s: emit them beside the CSS.
    loader: { '.svg': 'file', '.gif': 'file', '.png': 'file' },
    assetNames: 'images/[name]-[hash]',
    // The dashboard's components are TSX rendered by Preact.
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  await Promise.all([
    copyIfChanged(join(here, 'reader', 'favicon.svg'), join(outdir, 'favicon.svg')),
    copyIfChanged(join(pdfjsRoot, 'build', 'pdf.worker.min.mjs'), join(outdir, 'pdf.worker.min.mjs')),
    // Annotation icons are fetched at run time from PDFViewer's imageResourcesPath.
    copyIfChanged(join(pdfjsRoot, 'web', 'images'), join(outdir, 'pdfjs', 'images')),
    // CJK text, the standard 14 fonts when not embedded, JPX/JBIG2 decoders and colour profiles.
    copyIfChanged(join(pdfjsRoot, 'cmaps'), join(outdir, 'pdfjs', 'cmaps')),
    copyIfChanged(join(pdfjsRoot, 'standard_fonts'), join(outdir, 'pdfjs', 'standard_fonts')),
    copyIfChanged(join(pdfjsRoot, 'wasm'), join(outdir, 'pdfjs', 'wasm')),
    copyIfChanged(join(pdfjsRoot, 'iccs'), join(outdir, 'pdfjs', 'iccs')),
  ]);
  await precompress(outdir);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`viewer assets built in ${ms} ms\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build({ minify: !process.argv.includes('--dev') });
}
