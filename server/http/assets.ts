// The browser bundles under /assets: a Brotli copy (made at build time) when the browser accepts it, else the file.
// Which files have a Brotli copy is learnt once, at start: a request never makes the server remember anything.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { notFound } from '../errors.ts';

const COMPRESSIBLE = /\.(m?js|css|svg|wasm)$/;

/** Paths (as requested, `/reader.js`) of files under dir with a `.br` copy beside them. */
function brotliCopies(root: string): Set<string> {
  const found = new Set<string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true, recursive: true });
  } catch {
    return found; // not built yet: everything is served as is
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.br')) continue;
    const file = path.join(e.parentPath, e.name.slice(0, -3));
    if (COMPRESSIBLE.test(file)) found.add(`/${path.relative(root, file).split(path.sep).join('/')}`);
  }
  return found;
}

export function assetRoutes(dir: string, opts: { sourceMaps: boolean }): Router {
  const r = Router();
  const root = path.resolve(dir);
  const hasBrotli = brotliCopies(root);
  r.use((req, res, next) => {
    // Source maps give the unminified browser code away; served only when asked for (development).
    if (!opts.sourceMaps && /\.map$/i.test(req.path)) return next(notFound('File'));
    if (!COMPRESSIBLE.test(req.path) || !/\bbr\b/.test(req.get('accept-encoding') ?? '')) return next();
    let wanted: string;
    try {
      wanted = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (!hasBrotli.has(wanted)) return next();
    res.vary('Accept-Encoding').set('Content-Encoding', 'br').type(path.extname(wanted));
    req.url = `${req.path}.br`;
    next();
  });
  r.use((_req, res, next) => {
    if (!res.get('Content-Encoding')) res.vary('Accept-Encoding');
    next();
  });
  r.use(express.static(root, { index: false, fallthrough: false, maxAge: '5m' }));
  return r;
}
