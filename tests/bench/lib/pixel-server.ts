// Forked by pixel.bench.ts: one server under test in its own process, so the load generator does not share its
// event loop. argv[2] is `pagetrail` (the real app, a previewed message's copy token, SQLite on disk) or `bare`
// (node:http answering the same GIF). Answers `count` with the events stored so far.
import fs from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PIXEL } from '../../../server/http/email-signals.ts';
import { agentInfoAsync } from '../../../server/tracking/user-agent.ts';
import { startApp } from '../../helpers/app.ts';
import { compose, parse } from '../../helpers/mail.ts';

type Msg = { type: 'ready'; pixel: string; click: string } | { type: 'count'; emailOpens: number; clicks: number };
const send = (m: Msg) => process.send!(m);

async function pagetrail(): Promise<() => Promise<void>> {
  // One loopback address makes every request: lift the per-address limit; no delivery time, so no scan window.
  const t = await startApp({ MAIL_SIGNALS_PER_MINUTE: '10000000' });
  const s = await t.sender();
  const raw = await compose({
    from: s.email,
    to: 'reader@example.org',
    subject: 'Bench',
    text: 'Hello',
    html: '<html><body><p>See <a href="https://example.com/pricing">pricing</a>.</p></body></html>',
  });
  const file = path.join(os.tmpdir(), `pixel-bench-${process.pid}.eml`);
  await fs.writeFile(file, raw);
  const sender = (await t.app.accounts.senderByEmail(s.email))!;
  const result = await t.app.mail.service.submit({ sender, rawPath: file, send: false });
  await fs.rm(file, { force: true });
  const html = String((await parse(result.copies[0]!.raw!)).html);
  const pixel = /https?:\/\/[^"\s]+\/e\/[A-Za-z0-9_-]{32}\/open\.gif/.exec(html)![0];
  const click = pixel.replace('/open.gif', '/1');
  process.on('message', async (m: { type: string }) => {
    if (m.type !== 'count') return;
    const rows = await t.db
      .selectFrom('events')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('type')
      .execute();
    const n = (type: string) => Number(rows.find((r) => r.type === type)?.n ?? 0);
    send({ type: 'count', emailOpens: n('email_open'), clicks: n('click') });
  });
  // A running service has its user-agent worker loaded and the bench's agent classified: start from there.
  await agentInfoAsync(process.env.BENCH_UA);
  send({ type: 'ready', pixel, click });
  return () => t.close();
}

async function bare(): Promise<() => Promise<void>> {
  const server = createServer((req, res) => {
    if (req.url?.endsWith('/1')) {
      res.writeHead(302, { Location: 'https://example.com/pricing', 'Cache-Control': 'no-store' }).end();
      return;
    }
    res
      .writeHead(200, {
        'Content-Type': 'image/gif',
        'Content-Length': String(PIXEL.length),
        'Cache-Control': 'no-store, no-cache, max-age=0',
      })
      .end(PIXEL);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.on(
    'message',
    (m: { type: string }) => m.type === 'count' && send({ type: 'count', emailOpens: 0, clicks: 0 }),
  );
  send({ type: 'ready', pixel: `${url}/e/x/open.gif`, click: `${url}/e/x/1` });
  return () => new Promise((r) => server.close(() => r()));
}

const close = await (process.argv[2] === 'bare' ? bare() : pagetrail());
process.on('disconnect', () => void close().then(() => process.exit(0)));
