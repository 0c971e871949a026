// The mail feature's errors: factories over the catalogue's codes (server/errors.ts) with the specifics in the
// message; the relay maps each code to an SMTP reply, HTTP to its status.
import { AppError } from '../errors.ts';

export const messageTooLarge = (max: number) =>
  new AppError('message_too_large', { message: `The message is larger than the limit of ${Math.round(max / 1048576)} MB (MAX_MESSAGE_BYTES).` });
export const messageInvalid = (cause?: unknown) => new AppError('message_invalid', { cause });
export const rfc822Required = () => new AppError('rfc822_required');
export const noRecipients = () => new AppError('no_recipients');
export const tooManyRecipients = (max: number) =>
  new AppError('too_many_recipients', { message: `A message may have at most ${max} recipients (MAIL_MAX_RECIPIENTS).` });
export const recipientInvalid = (address: string) =>
  new AppError('recipient_invalid', { message: `Not a valid recipient address: ${address.slice(0, 100)}.` });
export const senderAddressRefused = () => new AppError('sender_address_refused');
export const mailRateLimited = (what: 'messages' | 'recipients') =>
  new AppError('rate_limited', { message: `Too many ${what} sent in the last hour (MAIL_${what.toUpperCase()}_PER_HOUR). Try again later.` });
export const upstreamNotConfigured = () => new AppError('smtp_upstream_not_configured');
export const upstreamUnavailable = (summary: string) =>
  new AppError('upstream_unavailable', { message: `The upstream mail server did not accept every copy: ${summary}. Send again: copies already accepted are not sent twice.` });
export const upstreamRefused = (summary: string) =>
  new AppError('upstream_refused', { message: `The upstream mail server refused: ${summary}.` });
