// The SMTP relay against a bare relay built from the same libraries (smtp-server -> nodemailer, no rewriting) in
// the same run, both forwarding to one loopback sink: (a) a plain HTML message to three recipients, (b) the same
// with a 3-page DOCX and a PDF attached (each message from a new sender, so no document is reused by content
// hash); latency is submit-to-250 on a pooled client connection (envelope, DATA and the reply). Then the peak
// memory growth of the process for one message with a 25 MB PDF. Prints figures, asserts nothing.
// Run: npm run bench -- mail
import fs from 'node:fs';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { startApp, type TestApp } from '../helpers/app.ts';
import { fixture } from '../helpers/fixtures.ts';
import { makePdf } from '../helpers/pdf.ts';
import { startSink } from '../helpers/smtp-sink.ts';
import { startBareRelay } from './lib/bare-smtp-relay.ts';
import { envNumber, mb, ms, summarize } from './lib/stats.ts';

const N_PLAIN = envNumber('BENCH_MAIL_PLAIN', 40);
const N_ATTACH = envNumber('BENCH_MAIL_ATTACH', 12);
const TIMEOUT_MS = 120_000;

const html =
  '<html><body><h1>Quarterly update</h1><p>Hello, here is where we stand.</p><ul><li>Revenue</li><li>Hiring</li></ul></body></html>';
const base = (from: string): Mail.Options => ({
  from,
  to: ['ana@example.org', 'ben@example.org'],
  cc: 'cara@example.org',
  subject: 'Update',
  text: 'Hello, here is where we stand.',
  html,
});

function clientOf(port: number, auth: { user: string; pass: string }) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    auth,
    pool: true,
    maxConnections: 1,
    socketTimeout: TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

async function timed(send: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    send(),
    new Promise(
      (_r, reject) => (timer = setTimeout(() => reject(new Error(`no 250 within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)),
    ),
  ]);
  clearTimeout(timer);
  return performance.now() - t0;
}

async function run(
  label: string,
  n: number,
  next: (i: number) => Promise<{ port: number; auth: { user: string; pass: string }; mail: Mail.Options }>,
) {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const { port, auth, mail } = await next(i);
    const c = clientOf(port, auth);
    // A plain message first: the connection is open and authenticated from here (and nothing is reused).
    await timed(() => c.sendMail(base(String(mail.from))));
    const t = await timed(() =>
      c.sendMail({ ...mail, messageId: `<bench-${label}-${i}-${Date.now()}@bench.example>` }),
    );
    times.push(t);
    c.close();
  }
  const wall = (performance.now() - started) / 1000;
  const s = summarize(times);
  console.log(
    `${label.padEnd(34)} median ${ms(s.p50)}  p90 ${ms(s.p90)}  max ${ms(s.max)}  (${(n / wall).toFixed(1)} msg/s incl. set-up, n=${n})`,
  );
  return s;
}

const sink = await startSink({ keep: false });
const bare = await startBareRelay(sink.url);
const t: TestApp = await startApp({
  SMTP_UPSTREAM_URL: sink.url,
  MAIL_MESSAGES_PER_HOUR: '100000',
  MAIL_RECIPIENTS_PER_HOUR: '1000000',
});
const { port } = await t.app.mail.relay.start(0, '127.0.0.1');
try {
  const s = await t.sender();
  const auth = { user: s.email, pass: s.token };
  // (a) throughput: messages back to back on one connection
  const throughput = async (p: number, label: string) => {
    const c = clientOf(p, auth);
    await c.sendMail(base(s.email));
    const t0 = performance.now();
    const times: number[] = [];
    for (let i = 0; i < N_PLAIN; i++)
      times.push(
        await timed(() =>
          c.sendMail({ ...base(s.email), messageId: `<tp-${label}-${i}-${Date.now()}@bench.example>` }),
        ),
      );
    const rate = N_PLAIN / ((performance.now() - t0) / 1000);
    c.close();
    const sm = summarize(times);
    console.log(
      `${label.padEnd(34)} ${rate.toFixed(1)} msg/s, submit-to-250 median ${ms(sm.p50)}, p90 ${ms(sm.p90)} (n=${N_PLAIN})`,
    );
    return rate;
  };
  const bareRate = await throughput(bare.port, '(a) bare relay, plain HTML x3');
  const appRate = await throughput(port, '(a) Pagetrail relay, plain HTML x3');
  console.log(`(a) Pagetrail / bare throughput: ${(appRate / bareRate).toFixed(2)} (goal >= 0.5)`);

  // (b) with a 3-page DOCX and a PDF, each from a new sender so every attachment becomes a new document
  const docx = fs.readFileSync(await fixture('docx', 3));
  const withDocs = (from: string, i: number): Mail.Options => ({
    ...base(from),
    attachments: [
      { filename: 'Plan.docx', content: docx },
      { filename: 'Figures.pdf', content: makePdf(2, { text: (p) => `figures ${i} page ${p}` }) },
    ],
  });
  await run('(b) bare relay, DOCX + PDF x3', N_ATTACH, async (i) => ({
    port: bare.port,
    auth,
    mail: withDocs(s.email, i),
  }));
  const b = await run('(b) Pagetrail relay, DOCX + PDF x3', N_ATTACH, async (i) => {
    const fresh = await t.sender();
    return { port, auth: { user: fresh.email, pass: fresh.token }, mail: withDocs(fresh.email, i) };
  });
  console.log(
    `(b) Pagetrail median submit-to-250 with documents: ${ms(b.p50)} (goal <= 300 ms; conversion runs after the reply)`,
  );

  // Peak memory growth for one message with a 25 MB PDF attachment (streamed from a file by the client too).
  const big = makePdf(1, { padBytes: 25 * 1024 * 1024 }); // padding is per page
  const file = `${t.dataDir}/big.pdf`;
  fs.writeFileSync(file, big);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const c = clientOf(port, auth);
  const took = await timed(() => c.sendMail({ ...base(s.email), attachments: [{ filename: 'Big.pdf', path: file }] }));
  c.close();
  clearInterval(sampler);
  console.log(
    `25 MB PDF to 3 recipients: submit-to-250 ${ms(took)}, peak RSS growth ${mb(peak - baseline)} = ${((peak - baseline) / big.length).toFixed(2)}x the attachment (goal < 2x; client, relay and sink share this process)`,
  );
  console.log(`sink received ${sink.received.length} copies in all`);
} finally {
  await t.close();
  await bare.close();
  await sink.close();
}
