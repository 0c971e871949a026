// The upstream SMTP server that delivers the copies (nodemailer, pooled; TLS verified unless the URL says not).
import nodemailer from 'nodemailer';

export interface DeliveryOutcome {
  ok: boolean;
  /** A 5xx answer: sending the same copy again will not help. */
  permanent: boolean;
  response: string;
}

export interface Upstream {
  send(envelope: { from: string; to: string }, rawPath: string): Promise<DeliveryOutcome>;
  close(): void;
}

export function smtpUpstream(url: string): Upstream {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    maxMessages: 100,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(envelope, rawPath) {
      try {
        const info = await transport.sendMail({
          envelope: { from: envelope.from, to: [envelope.to] },
          raw: { path: rawPath },
        });
        const rejected = (info.rejected ?? []).length > 0;
        return { ok: !rejected, permanent: rejected, response: String(info.response ?? '') };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; message?: string; code?: string };
        const code = typeof e.responseCode === 'number' ? e.responseCode : 0;
        return {
          ok: false,
          permanent: code >= 500,
          response: e.response ?? `${e.code ?? 'error'}: ${e.message ?? 'upstream failed'}`,
        };
      }
    },
    close() {
      transport.close();
    },
  };
}
