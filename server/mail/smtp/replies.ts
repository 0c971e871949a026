// Every refusal the relay makes, as an SMTP reply: the domain's AppError mapped once to a code and enhanced status.
import { isAppError } from '../../errors.ts';

export type SmtpError = Error & { responseCode: number };

export function smtpError(code: number, text: string): SmtpError {
  return Object.assign(new Error(text), { responseCode: code });
}

const BY_CODE: Record<string, [number, string]> = {
  message_too_large: [552, '5.3.4'],
  message_invalid: [554, '5.6.0'],
  no_recipients: [554, '5.5.1'],
  too_many_recipients: [452, '4.5.3'],
  recipient_invalid: [553, '5.1.3'],
  sender_address_refused: [553, '5.7.1'],
  rate_limited: [451, '4.7.1'],
  smtp_upstream_not_configured: [451, '4.3.5'],
  upstream_unavailable: [451, '4.4.1'],
  upstream_refused: [550, '5.0.0'],
  conversion_queue_full: [451, '4.3.2'],
};

/** An error thrown while handling a message -> the reply the client gets (internal causes never leave). */
export function toSmtpError(err: unknown): SmtpError {
  if (err instanceof Error && typeof (err as Partial<SmtpError>).responseCode === 'number') return err as SmtpError;
  if (isAppError(err)) {
    const [code, enhanced] = BY_CODE[err.code] ?? (err.status >= 500 ? [451, '4.3.0'] : [554, '5.0.0']);
    return smtpError(code, `${enhanced} ${err.publicMessage.replace(/[\r\n]+/g, ' ')}`);
  }
  return smtpError(451, '4.3.0 Temporary failure on our side; try again later.');
}
