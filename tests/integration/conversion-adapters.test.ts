// One suite, run against every Converter adapter: formats and page counts, and the hardening pairs
// (embedded content survives / linked and local-file content never loads, macros never run).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Converter, OfficeFormat } from '../../server/conversion/converter.ts';
import { inspectPdf } from '../../server/conversion/pdf-inspect.ts';
import { type Canary, startCanary } from '../helpers/canary.ts';
import { ADAPTERS, workRoot } from '../helpers/converters.ts';
import { AFTER, BEFORE, imageDocx, imageFodt, imageOdt, type ImageSource, macroOdt } from '../helpers/documents.ts';
import { fixture } from '../helpers/fixtures.ts';
import { pdfImageCount, pdfText } from '../helpers/pdf-contents.ts';
import { isAlive, officeProcesses } from '../helpers/processes.ts';
import { eventually } from '../helpers/wait.ts';
import { AppError } from '../../server/errors.ts';

const PAGE_COUNTS: Array<[OfficeFormat, number]> = [
  ['docx', 3],
  ['doc', 4],
  ['odt', 2],
  ['rtf', 3],
  ['fodt', 2],
  ['pptx', 5],
  ['ppt', 3],
  ['odp', 4],
  ['fodp', 2],
];

const MAKERS: Array<[OfficeFormat, (s: ImageSource) => Buffer]> = [
  ['docx', imageDocx],
  ['odt', imageOdt],
  ['fodt', imageFodt],
];

for (const adapter of ADAPTERS) {
  describe(`converter adapter: ${adapter.name}`, () => {
    let root: string;
    let converter: Converter;
    let canary: Canary;
    let n = 0;

    before(async () => {
      root = await workRoot(`adapter-${adapter.name}`);
      converter = adapter.make(path.join(root, 'engine'));
      canary = await startCanary();
    });

    after(async () => {
      await converter.close(5000);
      await canary.close();
      assert.deepEqual(await officeProcesses(root), [], 'no soffice.bin left behind');
      await fs.rm(root, { recursive: true, force: true });
    });

    /** Writes `bytes` as an upload with a meaningless name and converts it. */
    async function convert(bytes: Buffer, format: OfficeFormat): Promise<string> {
      const dir = path.join(root, `case-${++n}`);
      await fs.mkdir(path.join(dir, 'out'), { recursive: true });
      const input = path.join(dir, 'upload.bin');
      await fs.writeFile(input, bytes);
      return converter.convert({ inputPath: input, format, outputDir: path.join(dir, 'out') });
    }

    for (const [format, pages] of PAGE_COUNTS) {
      test(`${format} with ${pages} pages converts to a ${pages}-page PDF`, async () => {
        const pdf = await convert(await fs.readFile(await fixture(format, pages)), format);
        assert.equal(path.dirname(path.dirname(pdf)), path.join(root, `case-${n}`));
        assert.equal((await inspectPdf(pdf)).pageCount, pages);
      });
    }

    for (const [format, make] of MAKERS) {
      test(`${format}: an embedded image is in the PDF`, async () => {
        const pdf = await convert(make({ kind: 'embedded' }), format);
        assert.equal(await pdfImageCount(pdf), 1);
        const text = await pdfText(pdf);
        assert.match(text, new RegExp(BEFORE));
        assert.match(text, new RegExp(AFTER));
      });

      test(`${format}: an image linked to an HTTP server is never fetched`, async () => {
        const before = canary.requests.length;
        const pdf = await convert(make({ kind: 'linked', href: canary.url(`/${adapter.name}/${format}.png`) }), format);
        assert.deepEqual(canary.requests.slice(before), [], 'no request reached the canary');
        assert.equal(await pdfImageCount(pdf), 0);
        assert.match(await pdfText(pdf), new RegExp(AFTER), 'the rest of the document still converts');
      });

      test(`${format}: file:///etc/passwd links put no local file content in the PDF`, async () => {
        const pdf = await convert(make({ kind: 'linked', href: 'file:///etc/passwd' }), format);
        const text = await pdfText(pdf);
        assert.doesNotMatch(text, /root:/);
        assert.doesNotMatch(text, /\/bin\/(ba)?sh/);
        assert.equal(await pdfImageCount(pdf), 0);
        assert.match(text, new RegExp(AFTER));
      });
    }

    // Paired with the macro control in conversion-control.test.ts: the same document does run its macro there.
    test('an on-load macro never runs', async () => {
      const marker = path.join(root, 'macro-ran.txt');
      const pdf = await convert(macroOdt(marker), 'odt');
      assert.match(await pdfText(pdf), new RegExp(BEFORE));
      await new Promise((r) => setTimeout(r, 500)); // give a (wrongly) started macro time to write
      await assert.rejects(fs.access(marker), 'marker file must not exist');
    });

    test('a file that is not a document fails with 422 conversion_failed', async () => {
      await assert.rejects(
        convert(Buffer.from('PK\x03\x04 this is not a zip at all'), 'docx'),
        (err: { status?: number; code?: string }) => err.status === 422 && err.code === 'conversion_failed',
      );
    });

    test('a frozen soffice ends in 503 conversion_timeout within the deadline, leaving no soffice.bin', async () => {
      // Long enough for the warm-up job on a loaded machine (a 1-page DOCX in a warm pool), which shares it.
      const deadlineMs = 15_000;
      const hungRoot = path.join(root, 'hung');
      const hung = adapter.make(hungRoot, deadlineMs);
      try {
        // Inputs first: making a fixture runs soffice for seconds, and a pool probes a worker idle for a second
        // before handing it a job, so a slow fixture would freeze the probe instead of the job.
        const input = await fixture('docx', 50);
        if (adapter.pooled) {
          // Bring the pool's soffice up first. The deadline under test is for the frozen job only: a per-call
          // soffice needs 4 s or more on a slow machine for any job, so only a pool gets (and passes) this warm-up.
          const warm = path.join(root, `case-${++n}`);
          await fs.mkdir(warm);
          await hung.convert({ inputPath: await fixture('docx', 1), format: 'docx', outputDir: warm });
        }
        const dir = path.join(root, `case-${++n}`);
        await fs.mkdir(dir);
        const started = Date.now();
        // A warm pool's soffice is frozen as the job is handed over; a per-call soffice as soon as it appears
        // (if it has not appeared when the deadline passes, the job times out all the same).
        let frozen = await officeProcesses(hungRoot);
        const pending = hung.convert({ inputPath: input, format: 'docx', outputDir: dir });
        pending.catch(() => undefined);
        if (frozen.length === 0) {
          await eventually(
            async () => (frozen = await officeProcesses(hungRoot)).length > 0,
            deadlineMs,
            'soffice.bin started',
            5,
          ).catch(() => null);
        }
        for (const pid of frozen) process.kill(pid, 'SIGSTOP');
        await assert.rejects(
          pending,
          (err: AppError) => err instanceof AppError && err.status === 503 && err.code === 'conversion_timeout',
        );
        const took = Date.now() - started;
        // Generous room past the deadline for killing the process group on a loaded machine; a frozen soffice
        // never ends by itself, so without the deadline this would not end at all.
        assert.ok(took < deadlineMs + 15_000, `rejected after ${took} ms (deadline ${deadlineMs} ms)`);
        await eventually(() => frozen.every((pid) => !isAlive(pid)), 15_000, 'the frozen soffice.bin is gone');
      } finally {
        await hung.close(5000);
      }
      assert.deepEqual(await officeProcesses(hungRoot), []);
    });

    test('status reports the engine and nothing running when idle', () => {
      const s = converter.status();
      assert.equal(s.engine, adapter.name);
      assert.equal(s.running, 0);
      assert.equal(s.queued, 0);
      assert.equal(s.ready, true);
    });
  });
}
