// Format fixtures with a known page count, made from flat ODF by running soffice once per target format and
// cached under the system temp directory (keyed by a hash of this file's sources), so only the first run pays.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OfficeFormat } from '../../server/conversion/converter.ts';
import { officeEnv, seedProfile } from '../../server/conversion/profile.ts';
import { pagedFodt, slidesFodp } from './odf.ts';

const run = promisify(execFile);

/** LibreOffice export filter per target format. */
const TARGETS: Record<OfficeFormat, { from: 'fodt' | 'fodp'; filter: string }> = {
  docx: { from: 'fodt', filter: 'docx:MS Word 2007 XML' },
  doc: { from: 'fodt', filter: 'doc:MS Word 97' },
  odt: { from: 'fodt', filter: 'odt:writer8' },
  rtf: { from: 'fodt', filter: 'rtf:Rich Text Format' },
  fodt: { from: 'fodt', filter: '' },
  pptx: { from: 'fodp', filter: 'pptx:Impress MS PowerPoint 2007 XML' },
  ppt: { from: 'fodp', filter: 'ppt:MS PowerPoint 97' },
  odp: { from: 'fodp', filter: 'odp:impress8' },
  fodp: { from: 'fodp', filter: '' },
};

export const TEXT_FORMATS = ['docx', 'doc', 'odt', 'rtf', 'fodt'] as const;
export const SLIDE_FORMATS = ['pptx', 'ppt', 'odp', 'fodp'] as const;

const sourceKey = createHash('sha256')
  .update(pagedFodt(2) + slidesFodp(2) + JSON.stringify(TARGETS))
  .digest('hex')
  .slice(0, 12);
export const fixtureDir = path.join(os.tmpdir(), `pagetrail-fixtures-${sourceKey}`);

/** Path of a fixture in `format` with `pages` pages (slides), made on first use. */
export async function fixture(format: OfficeFormat, pages: number): Promise<string> {
  const name = `${TARGETS[format].from === 'fodt' ? 'pages' : 'slides'}-${pages}.${format}`;
  const file = path.join(fixtureDir, name);
  try {
    await fs.access(file);
    return file;
  } catch {
    // not made yet
  }
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'pagetrail-fixture-make-'));
  try {
    const base = TARGETS[format].from === 'fodt' ? `pages-${pages}` : `slides-${pages}`;
    const src = path.join(work, `${base}.${TARGETS[format].from}`);
    await fs.writeFile(src, TARGETS[format].from === 'fodt' ? pagedFodt(pages) : slidesFodp(pages));
    let made = src;
    if (TARGETS[format].filter) {
      const profile = await seedProfile(path.join(work, 'profile'));
      await run(
        process.env.SOFFICE_PATH ?? 'soffice',
        [
          `-env:UserInstallation=${profile}`,
          '--headless',
          '--convert-to',
          TARGETS[format].filter,
          '--outdir',
          work,
          src,
        ],
        { env: officeEnv(path.join(work, 'profile'), work), timeout: 120_000 },
      );
      made = path.join(work, `${base}.${format}`);
    }
    await fs.mkdir(fixtureDir, { recursive: true });
    // Rename is atomic, so test files running in parallel never see a half-written fixture.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.copyFile(made, tmp);
    await fs.rename(tmp, file);
    return file;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
