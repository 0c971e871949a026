// The one configuration module: every setting, its default and meaning, parsed once at boot.
import os from 'node:os';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Which peers may tell us the client's address: none (false), the nearest n hops (`true` is one hop), or the
 * listed proxy addresses and subnets (proxy-addr names such as `loopback` too). The client is the rightmost
 * X-Forwarded-For entry not added by a trusted proxy, so a client cannot pick its own address. */
export type TrustProxy = false | number | string[];
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    if (/^(false|no|0)$/i.test(v)) return false;
    if (/^(true|yes)$/i.test(v)) return 1;
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      proxyaddr.compile(list);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'expected false, true, a hop count or a comma-separated list of proxy addresses or subnets',
      });
      return z.NEVER;
    }
    return list;
  });

/** name -> [schema with default, one-line description]; the README's configuration table mirrors this. */
export const settings = {
  PORT: [int(0, 65535).default(3000), 'TCP port for HTTP and websockets.'],
  HOST: [z.string().min(1).default('127.0.0.1'), 'Interface to listen on (0.0.0.0 for all).'],
  DATA_DIR: [
    z.string().min(1).default('./data'),
    'Directory for the embedded default: SQLite database, blobs, temp files.',
  ],
  PUBLIC_URL: [z.url().optional(), 'Absolute base URL used in every link handed out (default http://localhost:$PORT).'],
  DATABASE_URL: [
    z
      .string()
      .regex(/^postgres(ql)?:\/\/./, 'must start with postgres:// or postgresql://')
      .optional(),
    'PostgreSQL connection URL (postgres://user:pass@host:5432/db); unset for SQLite in DATA_DIR.',
  ],
  DATABASE_POOL_SIZE: [int(1, 1000).default(10), 'Most PostgreSQL connections one process keeps open.'],
  SQLITE_SYNCHRONOUS: [
    z.enum(['normal', 'full']).default('normal'),
    'SQLite commit durability: normal survives a process crash, full also a power loss (an fsync per commit).',
  ],
  STORAGE: [
    z.enum(['local', 's3']).default('local'),
    'Blob storage: files under DATA_DIR, or objects in an S3 bucket.',
  ],
  S3_BUCKET: [
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
      .optional(),
    'Bucket for blobs when STORAGE=s3 (required then).',
  ],
  AWS_REGION: [z.string().min(1).default('us-east-1'), 'Region of the S3 bucket.'],
  AWS_ENDPOINT_URL_S3: [z.url().optional(), 'Endpoint of an S3-compatible store (MinIO, Ceph, ...); unset for AWS.'],
  S3_FORCE_PATH_STYLE: [
    bool.default(false),
    'Address buckets as endpoint/bucket instead of bucket.endpoint (most S3-compatible stores need true).',
  ],
  AWS_ACCESS_KEY_ID: [
    z.string().min(1).optional(),
    'S3 access key; unset to use the SDK default chain (instance role, profile).',
  ],
  AWS_SECRET_ACCESS_KEY: [z.string().min(1).optional(), 'S3 secret key, with AWS_ACCESS_KEY_ID.'],
  REDIS_URL: [
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    'Redis for running several instances: realtime fan-out, presence, shared rate limits, the conversion queue.',
  ],
  REDIS_PREFIX: [
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
      .default('pagetrail'),
    'Prefix of every Redis key and channel (several deployments may share one Redis).',
  ],
  PRESENCE_TTL_MS: [
    int(3000, 600_000).default(45_000),
    'With REDIS_URL: a reader stays listed this long after its instance last confirmed it (an instance that dies).',
  ],
  CONVERT_MODE: [
    z.enum(['inline', 'queue']).default('inline'),
    'Who converts Office files: this process (inline), or workers started with npm run worker (queue, needs REDIS_URL).',
  ],
  CONVERT_JOB_ATTEMPTS: [
    int(1, 100).default(3),
    'Queue: tries per conversion before the document fails (a worker dying mid-job counts as a try).',
  ],
  CONVERT_JOB_BACKOFF_MS: [
    int(0, 3_600_000).default(5000),
    'Queue: wait before the first retry of a failed conversion, doubling with each further try.',
  ],
  CONVERT_JOB_LOCK_MS: [
    int(1000, 3_600_000).default(30_000),
    "Queue: a worker's lock on a job, renewed at half this; a job whose worker stops renewing is retried elsewhere.",
  ],
  WORKER_CONCURRENCY: [
    int(1, 64).default(Math.max(1, Math.min(4, os.availableParallelism()))),
    'Conversions one worker runs at once (match CONVERT_POOL_SIZE).',
  ],
  METRICS_TOKEN: [
    z.string().min(16, 'at least 16 characters').optional(),
    'Bearer token for GET /metrics (Prometheus); unset, /metrics answers 404.',
  ],
  LOG_LEVEL: [z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), 'Log level.'],
  TRUST_PROXY: [
    trustProxy.default(false),
    'Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: false, true (one hop), a hop count, or proxy addresses/subnets.',
  ],
  MAX_UPLOAD_BYTES: [int(1, 2 ** 40).default(100 * 1024 * 1024), 'Largest accepted upload.'],
  ZIP_MAX_ENTRIES: [int(1, 1_000_000).default(5000), 'Most entries allowed in an Office zip container.'],
  ZIP_MAX_UNCOMPRESSED_BYTES: [
    int(1, 2 ** 40).default(512 * 1024 * 1024),
    'Largest declared uncompressed size of an Office zip container.',
  ],
  ZIP_MAX_RATIO: [
    int(1, 100_000).default(200),
    'Largest declared compression ratio of a zip container (uncompressed / file size).',
  ],
  CONVERTER: [
    z.enum(['auto', 'uno', 'libreoffice-convert']).default('auto'),
    'Office-to-PDF engine: warm UNO pool, per-call libreoffice-convert, or auto (pool when python3-uno is present).',
  ],
  CONVERT_TIMEOUT_MS: [
    int(1000, 3_600_000).default(60_000),
    'Deadline for one conversion; the soffice process is killed after it.',
  ],
  CONVERT_RESTART_AFTER: [int(1, 100_000).default(30), 'Restart a pooled soffice after this many jobs.'],
  CONVERT_QUEUE_MAX: [
    int(0, 100_000).default(32),
    'Conversions waiting beyond the running ones before uploads get 429.',
  ],
  CONVERT_QUEUE_PER_SENDER: [
    int(1, 100_000).default(8),
    "One sender's conversions admitted at once (running and waiting); more get 429 sender_queue_full.",
  ],
  UPLOAD_DOCUMENTS_PER_HOUR: [
    int(1, 10_000_000).default(500),
    'Documents one sender may upload in any hour (API and mail attachments); more get 429 upload_quota_exceeded.',
  ],
  UPLOAD_BYTES_PER_DAY: [
    int(1, 2 ** 50).default(10 * 1024 ** 3),
    'Bytes one sender may upload in any 24 hours; more get 429 upload_quota_exceeded.',
  ],
  PDF_MAX_PAGES: [int(1, 10_000_000).default(20_000), 'Most pages a PDF (uploaded or converted) may have.'],
  PDF_INSPECT_TIMEOUT_MS: [
    int(100, 600_000).default(30_000),
    'Time allowed to open and check one PDF (in a worker thread); longer ones are refused as pdf_too_complex.',
  ],
  CONVERT_POOL_SIZE: [
    int(1, 64).default(Math.max(1, Math.min(4, os.availableParallelism()))),
    'Number of warm soffice processes.',
  ],
  CONVERT_RUN_AS: [
    z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/i)
      .default('auto'),
    'User the pooled soffice runs as: auto (nobody when the service runs as root), none, or a user name.',
  ],
  SOFFICE_PATH: [z.string().default('soffice'), 'LibreOffice executable.'],
  CONVERT_PYTHON_PATH: [
    z.string().default('/usr/bin/python3'),
    'Python with the LibreOffice UNO module (python3-uno) that drives the pool.',
  ],
  CONVERT_START_TIMEOUT_MS: [
    int(1000, 600_000).default(30_000),
    'Time allowed for a pooled soffice to start and accept UNO calls.',
  ],
  PAGE_THUMBNAILS_MAX: [
    int(0, 5000).default(200),
    'Pages 1..n of each document get a small thumbnail (the analytics chart shows it on hover); 0 makes none.',
  ],
  PDFTOPPM_PATH: [
    z.string().default('pdftoppm'),
    "pdftoppm executable (first-page thumbnail, the reader's page-1 image); skipped when absent.",
  ],
  QPDF_PATH: [
    z.string().default('qpdf'),
    'qpdf executable (packs PDF objects for a fast first page, removes active content); without it PDFs are redrawn by pdftocairo.',
  ],
  SESSION_TTL_HOURS: [int(1, 24 * 365).default(24 * 14), 'Dashboard session lifetime.'],
  SIGNIN_ATTEMPTS_PER_MINUTE: [
    int(1, 10_000).default(10),
    'Dashboard sign-in attempts allowed per address per minute.',
  ],
  SHUTDOWN_GRACE_MS: [
    int(0, 600_000).default(15_000),
    'Time allowed on SIGTERM to finish conversions and close connections.',
  ],
  VIEWER_EVENTS_PER_10S: [int(1, 10_000).default(60), 'Per-socket limit on viewer events in any 10 s window.'],
  VIEWER_VISITS_PER_MINUTE: [int(1, 1_000_000).default(60), 'New reader visits one address may open per minute.'],
  MAX_MESSAGE_BYTES: [
    int(1024, 2 ** 40).default(50 * 1024 * 1024),
    'Largest message accepted by the relay and the messages API (attachments included).',
  ],
  SMTP_RELAY_PORT: [
    int(0, 65535).default(2525),
    'TCP port of the SMTP submission relay (STARTTLS when a certificate is set; 0 picks a free port).',
  ],
  SMTP_RELAY_TLS_PORT: [
    int(0, 65535).optional(),
    'Optional port for implicit-TLS submission (like 465); needs SMTP_TLS_CERT and SMTP_TLS_KEY.',
  ],
  SMTP_TLS_CERT: [z.string().min(1).optional(), "PEM certificate file for the relay's STARTTLS and implicit-TLS port."],
  SMTP_TLS_KEY: [z.string().min(1).optional(), 'PEM private key file for SMTP_TLS_CERT.'],
  SMTP_ALLOW_INSECURE_AUTH: [
    bool.default(false),
    'Accept AUTH over an unencrypted connection from any address (by default only from loopback).',
  ],
  SMTP_UPSTREAM_URL: [
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    'Where rewritten copies are sent, e.g. smtp://user:pass@smtp.example.org:587 (TLS verified).',
  ],
  MAIL_MESSAGES_PER_HOUR: [int(1, 1_000_000).default(200), 'Messages one sender may send per hour (relay and API).'],
  MAIL_RECIPIENTS_PER_HOUR: [
    int(1, 10_000_000).default(1000),
    'Recipients one sender may send to per hour (relay and API).',
  ],
  MAIL_MAX_RECIPIENTS: [int(1, 10_000).default(100), 'Most recipients of one message.'],
  SELF_ADDRESS_DAYS: [
    int(0, 365).default(14),
    "Opens, clicks and visits from an address the sender's dashboard was used from in this many days are the sender's own (0: off; loopback never counts).",
  ],
  MAIL_SCAN_WINDOW_SECONDS: [
    int(0, 3600).default(10),
    'Opens and clicks this soon after a copy was delivered are a machine (too_soon_after_delivery).',
  ],
  MAIL_SIGNALS_PER_MINUTE: [
    int(1, 10_000_000).default(600),
    'Open-pixel and click requests one address may make per minute (beyond: the pixel records nothing, clicks get 429).',
  ],
  APPLE_PRIVATE_RELAY_RANGES: [
    z.string().min(1).optional(),
    "CSV of Apple's egress ranges (egress-ip-ranges.csv): MPP opens from them are machine opens; without it, 17.0.0.0/8.",
  ],
  INBOUND_MAX_BYTES: [
    int(1024, 2 ** 31).default(10 * 1024 * 1024),
    'Largest received message taken whole by POST /api/inbound and the IMAP poller (larger ones: headers only).',
  ],
  INBOUND_PER_MINUTE: [int(1, 1_000_000).default(120), 'Received messages one sender may post per minute.'],
  INBOUND_AUTHSERV_ID: [
    z.string().min(1).max(253).optional(),
    'Authentication-Results are read only from this server (its authserv-id); unset: the topmost header.',
  ],
  IMAP_ALLOW_PRIVATE: [
    bool.default(false),
    "Let senders' mailboxes be on loopback or private addresses (and plain, unencrypted IMAP there).",
  ],
  IMAP_POLL_INTERVAL_MS: [
    int(1000, 86_400_000).default(60_000),
    'How often a mailbox is checked (servers without IDLE; with IDLE, a check beside it).',
  ],
  IMAP_BACKOFF_MAX_MS: [
    int(1000, 86_400_000).default(300_000),
    'Longest pause between reconnection attempts to a failing mailbox (the pause doubles from 1 s).',
  ],
  IMAP_CONNECT_TIMEOUT_MS: [
    int(1000, 600_000).default(20_000),
    'Time allowed to connect to a mailbox and get its greeting.',
  ],
  VISIT_REUSE_MINUTES: [
    z.coerce
      .number()
      .min(0)
      .max(24 * 60)
      .default(10),
    'A reader back within this many minutes of their last contact (same browser) continues the visit; later, the visit has ended (fractions allowed).',
  ],
  KEEP_IP_ADDRESSES: [
    bool.default(false),
    "Keep readers' IP addresses with their visits (by default only the /24 or /48 network is kept, after enrichment).",
  ],
  RETENTION_DAYS: [
    int(0, 36_500).default(0),
    'Purge events older than this many days (0: keep forever); per-page totals stay in a rollup.',
  ],
  RETENTION_SWEEP_MS: [int(1000, 86_400_000).default(3_600_000), 'How often the retention purge runs.'],
  WEBHOOK_ALLOW_PRIVATE: [
    bool.default(false),
    'Allow webhook targets on loopback or private addresses (checked at creation and after DNS resolution).',
  ],
  WEBHOOK_MAX_ATTEMPTS: [int(1, 50).default(8), 'Attempts of one webhook delivery before it is logged as failed.'],
  WEBHOOK_RETRY_BASE_MS: [
    int(10, 86_400_000).default(30_000),
    'Delay before the first retry; each next one waits 4 times longer (30 s, 2 min, 8 min, 32 min, ...).',
  ],
  WEBHOOK_TIMEOUT_MS: [int(100, 120_000).default(10_000), 'Time a webhook target has to answer one delivery.'],
  WEBHOOK_POLL_MS: [int(10, 60_000).default(1000), 'How often the webhook queue and the visit reports are checked.'],
  NOTIFY_FROM: [
    z.email().optional(),
    'From address of notification emails (default notifications@ the host of PUBLIC_URL); sent via SMTP_UPSTREAM_URL.',
  ],
  HTTP_HEADERS_TIMEOUT_MS: [int(1000, 600_000).default(20_000), "Time a client has to send a request's headers."],
  HTTP_REQUEST_TIMEOUT_MS: [
    int(1000, 3_600_000).default(600_000),
    'Time a client has to send a whole request, body included (large uploads on slow links).',
  ],
  FILE_TOKEN_TTL_SECONDS: [
    int(30, 86_400).default(300),
    "Life of a visit's file token (the reader's right to fetch the PDF); renewed every half of it while the visit is live.",
  ],
  ACCESS_PASS_HOURS: [
    int(1, 24 * 365).default(12),
    "How long a browser stays through a link's passcode and email gates (the pass cookie's lifetime).",
  ],
  ACCESS_PASSCODE_ATTEMPTS: [
    int(1, 1000).default(5),
    'Wrong passcodes one address may try on one link per 15 minutes (the link in all: 4 times as many).',
  ],
  ACCESS_CODE_FROM: [
    z.string().min(3).max(320).optional(),
    "From address of email-gate code mails (default: the link's sender's address).",
  ],
  SERVE_SOURCE_MAPS: [
    bool.default(false),
    "Serve the browser bundles' source maps under /assets (off: they answer 404).",
  ],
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: z.output<Settings[K][0]> } & { publicUrl: string; dataDir: string };

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** Settings that may carry a password: a problem with one never repeats its value (it ends up in logs). */
const SECRET = new Set(['DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'SMTP_UPSTREAM_URL']);

/** Parse the environment once; every problem is reported together. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, [schema]] of Object.entries(settings)) {
    const raw = env[name] === '' ? undefined : env[name];
    const r = (schema as z.ZodType).safeParse(raw);
    if (r.success) out[name] = r.data;
    else {
      const shown = SECRET.has(name) ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${r.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (out.STORAGE === 's3' && !out.S3_BUCKET) problems.push('S3_BUCKET is required when STORAGE=s3');
  if (Boolean(out.AWS_ACCESS_KEY_ID) !== Boolean(out.AWS_SECRET_ACCESS_KEY))
    problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together');
  if (out.CONVERT_MODE === 'queue' && !out.REDIS_URL) problems.push('REDIS_URL is required when CONVERT_MODE=queue');
  if (problems.length) throw new ConfigError(problems);
  const cfg = out as Config;
  cfg.publicUrl = (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/+$/, '');
  cfg.dataDir = path.resolve(cfg.DATA_DIR);
  return cfg;
}
