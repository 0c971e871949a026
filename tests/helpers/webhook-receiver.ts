// A real webhook receiver on 127.0.0.1: records every delivery (headers and raw body) and answers with the
// status it is told to (500 to make the sender retry).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  got: Delivery[];
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<Receiver> {
  const got: Delivery[] = [];
  const r: Receiver = { url: '', got, status, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = r.status;
      res.end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pagetrail`;
  r.close = () => new Promise((ok) => server.close(() => ok()));
  return r;
}

/** The session cookie of a signed-in sender (their own views are `self`). */
export async function sessionCookie(base: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pt_session='));
  if (!set) throw new Error(`sign-in answered ${res.status} without a session cookie`);
  return set.split(';')[0]!;
}

/** The viewer cookie the reader page gives a new browser. */
export async function viewerCookie(linkUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(linkUrl, { headers });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pt_viewer='));
  if (!set) throw new Error(`the reader page (${res.status}) set no viewer cookie`);
  return set.split(';')[0]!;
}
