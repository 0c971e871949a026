// The browser bundles under /assets: a Brotli copy (made at build time) when the browser accepts it, else the file.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const COMPRESSIBLE = /\.(m?js|css|svg|wasm)$/;

export function assetRoutes(dir: string): Router {
  const r = Router();
  const root = path.resolve(dir);
  const hasBrotli = new Map<string, boolean>();
  r.use((req, res, next) => {
    if (!COMPRESSIBLE.test(req.path) || !/\bbr\b/.test(req.get('accept-encoding') ?? '')) return next();
    let file: string;
    try {
      file = path.resolve(root, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next();
    }
    if (!file.startsWith(root + path.sep)) return next();
    let ok = hasBrotli.get(file);
    if (ok === undefined) hasBrotli.set(file, (ok = fs.existsSync(`${file}.br`)));
    if (!ok) return next();
    res.vary('Accept-Encoding').set('Content-Encoding', 'br').type(path.extname(file));
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
