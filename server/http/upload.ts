// Multipart upload of one file, streamed to a temp file under DATA_DIR (never held in memory).
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { randomSecret } from '../accounts/secrets.ts';
import { fileMissing, multipartRequired } from '../errors.ts';

export function uploadOne(tmpDir: string, maxBytes: number): RequestHandler {
  const storage = multer.diskStorage({
    destination: tmpDir,
    filename: (_req, _file, cb) => cb(null, `upload-${randomSecret(12)}`),
  });
  const mw = multer({
    storage,
    limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, fieldNameSize: 100, parts: 8, headerPairs: 50 },
    defParamCharset: 'utf8',
  } as multer.Options).single('file');

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next(multipartRequired());
      return;
    }
    // Whatever happens after (refusal, error, client gone), the temp file does not outlive the request
    // unless ingest has taken it over (it moves `req.file` out by setting `claimed`).
    res.on('close', () => {
      const f = req.file as (Express.Multer.File & { claimed?: boolean }) | undefined;
      if (typeof f?.path === 'string' && !f.claimed) fs.rm(f.path, { force: true }, () => {});
    });
    mw(req, res, (err?: unknown) => {
      if (!err && !req.file) return next(fileMissing());
      next(err);
    });
  };
}

export function claim(file: Express.Multer.File): string {
  (file as Express.Multer.File & { claimed?: boolean }).claimed = true;
  return path.resolve(file.path);
}
