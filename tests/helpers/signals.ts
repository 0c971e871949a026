// Email signals in tests: a tracked message sent through the real relay to the sink, the pixel and click URLs of
// each recipient's copy, and requests to them as a browser, a mail proxy or a scanner would make.
import type { MessageJson } from '../../server/api-types.ts';
import type { TestSender } from './app.ts';
import { parse, send, type MailRig } from './mail.ts';

export const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
/** Gmail's image proxy, as it identifies itself (the person opened the mail in Gmail). */
export const GMAIL_PROXY_UA =
  'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
export const YAHOO_PROXY_UA = 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html';
/** Apple Mail Privacy Protection fetches with this exact user agent, from Apple's relays. */
export const APPLE_MPP_UA = 'Mozilla/5.0';
export const HEADLESS_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36';

export const HTML = `<html><body><p>Hello,</p>
<p>See our <a href="https://example.com/pricing?plan=pro&amp;ref=mail">pricing</a> and the
<a class="btn" href='https://docs.example.com/start'><b>getting started</b> guide</a>.</p>
<p><a href="mailto:sales@example.com">Write to us</a></p>
</body></html>`;

export interface CopyUrls {
  recipient: string;
  token: string;
  pixel: string;
  /** Click URLs by position; 0 is the honeypot. */
  clicks: Map<number, string>;
  html: string;
}

/** Sends an HTML message to `to` and returns each copy's signal URLs, read from what reached the sink. */
export async function sendTracked(
  rig: MailRig,
  s: TestSender,
  to: string[],
  extra: { subject?: string; attachments?: { filename: string; content: Buffer }[] } = {},
): Promise<{ messageId: string; copies: Map<string, CopyUrls> }> {
  const messageId = `<sig-${Date.now()}-${Math.random().toString(36).slice(2)}@client.example>`;
  const before = rig.sink.received.length;
  await send(rig, s, {
    to,
    subject: extra.subject ?? 'Proposal',
    text: 'Hello, see https://example.com/pricing',
    html: HTML,
    messageId,
    attachments: extra.attachments ?? [],
  });
  const copies = new Map<string, CopyUrls>();
  const base = rig.t.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const r of rig.sink.received.slice(before)) {
    const html = String((await parse(r.raw)).html);
    const pixel = new RegExp(`${base}/e/([A-Za-z0-9_-]{32})/open\\.gif`).exec(html);
    const clicks = new Map<number, string>();
    for (const m of html.matchAll(new RegExp(`${base}/e/[A-Za-z0-9_-]{32}/(\\d+)`, 'g')))
      clicks.set(Number(m[1]), m[0]);
    copies.set(r.to[0]!, { recipient: r.to[0]!, token: pixel?.[1] ?? '', pixel: pixel?.[0] ?? '', clicks, html });
  }
  const list = (await (
    await fetch(`${rig.t.url}/api/messages`, { headers: { authorization: `Bearer ${s.token}` } })
  ).json()) as { messages: { id: string; messageId: string }[] };
  const id = list.messages.find((m) => m.messageId === messageId)?.id;
  if (!id) throw new Error(`message ${messageId} is not in the Sent list`);
  return { messageId: id, copies };
}

/** The copies were delivered an hour ago: opens now are not "too soon after delivery". */
export async function deliveredLongAgo(rig: MailRig): Promise<void> {
  await rig.t.db
    .updateTable('message_copies')
    .set({ delivered_at: new Date(Date.now() - 3600_000).toISOString() })
    .execute();
}

export function hit(
  url: string,
  ua: string,
  ip: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
) {
  return fetch(url, {
    redirect: 'manual',
    ...init,
    headers: { 'user-agent': ua, 'x-forwarded-for': ip, ...(init.headers ?? {}) },
  });
}

export async function messageOf(rig: MailRig, s: TestSender, id: string): Promise<MessageJson> {
  const res = await fetch(`${rig.t.url}/api/messages/${id}`, { headers: { authorization: `Bearer ${s.token}` } });
  if (res.status !== 200) throw new Error(`GET /api/messages/${id} answered ${res.status}`);
  return (await res.json()) as MessageJson;
}

export function copyOf(m: MessageJson, address: string): MessageJson['copies'][number] {
  const c = m.copies.find((x) => x.recipient === address);
  if (!c) throw new Error(`no copy for ${address}`);
  return c;
}
