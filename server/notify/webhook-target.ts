// Where a webhook may point: http(s) URLs whose host resolves to public addresses only (unless
// WEBHOOK_ALLOW_PRIVATE), checked when the webhook is made and again, after DNS resolution, before each delivery;
// the request then goes to the address that was checked (no second lookup a rebinding DNS could answer).
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { webhookTargetRefused, webhookUrlInvalid } from '../errors.ts';
import { isNonPublicAddress } from '../public-address.ts';

/** A well-formed target URL, or webhook_url_invalid. */
export function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw webhookUrlInvalid();
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || !url.hostname)
    throw webhookUrlInvalid();
  return url;
}

/** The address to send to, after checking every address the host resolves to. */
export async function resolveTarget(url: URL, allowPrivate: boolean): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const found = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await dns.lookup(host, { all: true, verbatim: true }).catch(() => {
        throw webhookUrlInvalid({ cause: new Error(`host ${host} did not resolve`) });
      });
  if (!found.length) throw webhookUrlInvalid();
  if (!allowPrivate && found.some((a) => isNonPublicAddress(a.address))) throw webhookTargetRefused();
  return found[0]!;
}

export interface PostOutcome {
  status: number | null;
  error: string | null;
}

/** POSTs `body` to `url` at the checked `address`, within `timeoutMs`; the answer's body is drained, not kept. */
export function postTo(
  url: URL,
  target: { address: string; family: number },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
        lookup: (_host, _opts, cb) => {
          // Node asks with `all: true` for happy eyeballs: answer in the form it asked for.
          if ((_opts as { all?: boolean }).all) (cb as unknown as (e: null, a: object[]) => void)(null, [target]);
          else cb(null, target.address, target.family);
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }));
        res.on('error', () => resolve({ status: res.statusCode ?? null, error: null }));
      },
    );
    // The whole exchange has the deadline, not only each silence: a receiver dripping its answer is cut off too.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ status: null, error: err.message.slice(0, 200) }));
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
