// Stored PDFs carry no active content: JavaScript (document, page, field and annotation actions, the /JavaScript
// name tree), /Launch and other actions that run or fetch something, and embedded files are removed, so a reader
// that downloads the file and opens it in a scripting viewer gets a document, not a program. qpdf has no flag for
// this: its JSON view of the objects (without stream data) is read, the offending entries are found, and only the
// objects that change are written back with --update-from-json (stream data stays as it was). Objects nothing
// refers to any more (the scripts, the embedded files) are not written out by qpdf.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Actions that run code, open or import other files, submit data or play media: turned into empty dictionaries. */
const ACTIVE_ACTIONS = new Set([
  '/JavaScript',
  '/Launch',
  '/ImportData',
  '/SubmitForm',
  '/Rendition',
  '/RichMediaExecute',
  '/GoToE',
  '/GoToR',
  '/Sound',
  '/Movie',
]);
/** Entries dropped wherever they occur: triggers (/AA), script bodies, embedded file streams, XFA forms (scriptable),
 * and the name trees of document scripts and embedded files. */
const ACTIVE_KEYS = new Set(['/AA', '/JS', '/EF', '/XFA', '/NeedsRendering', '/JavaScript', '/EmbeddedFiles']);
/** Biggest JSON description of a file's objects read into memory; a file with more objects than that is redrawn. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Dict = { [key: string]: Json };
interface QpdfObject {
  value?: Json;
  stream?: { dict: Dict };
}

export interface NeutraliseOptions {
  qpdfPath: string;
  /** pdftocairo, which redraws the pages into a new file when qpdf cannot describe this one. */
  pdftocairoPath: string;
  signal?: AbortSignal;
}

export interface Neutralised {
  /** The file to keep: `pdfPath` itself when it had nothing active. */
  pdfPath: string;
  /** How many objects were changed (0: nothing active was found). */
  changed: number;
}

const isDict = (v: Json | undefined): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A qpdf JSON string ("u:text" or "b:hex") as text. */
function text(v: Json | undefined): string {
  if (typeof v !== 'string') return '';
  if (v.startsWith('u:')) return v.slice(2);
  if (v.startsWith('b:')) return Buffer.from(v.slice(2), 'hex').toString('latin1');
  return v;
}

/** An action that must not survive: a listed type, or a URI action with a script scheme. */
function isActiveAction(d: Dict): boolean {
  const s = d['/S'];
  if (typeof s === 'string' && ACTIVE_ACTIONS.has(s)) return true;
  return s === '/URI' && /^\s*(javascript|vbscript|data|file):/i.test(text(d['/URI']));
}

/** Cleans one value in place; returns true when something changed. */
function clean(v: Json): boolean {
  if (Array.isArray(v)) {
    let changed = false;
    for (const item of v) changed = clean(item) || changed;
    return changed;
  }
  if (!isDict(v)) return false;
  if (isActiveAction(v)) {
    for (const key of Object.keys(v)) delete v[key];
    return true;
  }
  let changed = false;
  for (const key of Object.keys(v)) {
    if (ACTIVE_KEYS.has(key)) {
      delete v[key];
      changed = true;
    } else {
      changed = clean(v[key]!) || changed;
    }
  }
  return changed;
}

/** The changed objects of a qpdf JSON description (objects as qpdf names them, e.g. "obj:4 0 R"). */
export function activeContentPatch(objects: Record<string, QpdfObject>): Record<string, QpdfObject> {
  const patch: Record<string, QpdfObject> = {};
  for (const [name, obj] of Object.entries(objects)) {
    if (!name.startsWith('obj:')) continue; // the trailer holds no actions
    if (obj.stream) {
      if (clean(obj.stream.dict)) patch[name] = { stream: { dict: obj.stream.dict } };
    } else if (obj.value !== undefined && clean(obj.value)) {
      patch[name] = { value: obj.value };
    }
  }
  return patch;
}

async function describe(
  pdfPath: string,
  opts: NeutraliseOptions,
): Promise<{ header: Json; objects: Record<string, QpdfObject> }> {
  const { stdout } = await run(
    opts.qpdfPath,
    ['--json=2', '--json-key=qpdf', '--json-stream-data=none', '--', pdfPath],
    { signal: opts.signal, timeout: 120_000, maxBuffer: MAX_JSON_BYTES, encoding: 'utf8' },
  ).catch((err: { code?: unknown; stdout?: string }) => {
    // Exit 3: warnings (a damaged file qpdf repaired as it read); the description is complete.
    if (err.code === 3 && err.stdout) return { stdout: err.stdout };
    throw err;
  });
  const parsed = JSON.parse(stdout) as { qpdf: [Json, Record<string, QpdfObject>] };
  return { header: parsed.qpdf[0], objects: parsed.qpdf[1] };
}

async function qpdfOk(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 3) throw err;
  }
}

/** Whether `pdfPath` has anything neutraliseActiveContent would change (one qpdf read of its objects); true when
 * qpdf cannot describe it (that file is redrawn). */
export async function hasActiveContent(pdfPath: string, opts: NeutraliseOptions): Promise<boolean> {
  try {
    return Object.keys(activeContentPatch((await describe(pdfPath, opts)).objects)).length > 0;
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    return true;
  }
}

/** Writes `pdfPath` without active content into workDir (or returns it as it is when it has none). A file qpdf
 * cannot describe is redrawn by pdftocairo, which copies no actions, scripts or attachments; if that fails too the
 * error is thrown (the file is not stored with content we could not check). */
export async function neutraliseActiveContent(
  pdfPath: string,
  workDir: string,
  opts: NeutraliseOptions,
): Promise<Neutralised> {
  let described: Awaited<ReturnType<typeof describe>>;
  try {
    described = await describe(pdfPath, opts);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const redrawn = path.join(workDir, 'redrawn.pdf');
    await run(opts.pdftocairoPath, ['-pdf', '--', pdfPath, redrawn], { signal: opts.signal, timeout: 120_000 });
    return { pdfPath: redrawn, changed: -1 };
  }
  const patch = activeContentPatch(described.objects);
  const changed = Object.keys(patch).length;
  if (changed === 0) return { pdfPath, changed };
  const patchPath = path.join(workDir, 'active-content.json');
  const out = path.join(workDir, 'neutralised.pdf');
  await fs.writeFile(patchPath, JSON.stringify({ qpdf: [described.header, patch] }));
  await qpdfOk(
    run(opts.qpdfPath, [`--update-from-json=${patchPath}`, '--', pdfPath, out], {
      signal: opts.signal,
      timeout: 120_000,
    }),
  );
  await fs.rm(patchPath, { force: true });
  return { pdfPath: out, changed };
}
