// The error catalogue: every stable code the service reports, with its status and public message, declared once
// (the README's list is checked against it). Code elsewhere throws through the named factories below; the
// internal cause (if any) is logged, never sent. HTTP maps errors in http/errors.ts, sockets in realtime/errors.ts.

const LINK_GONE = 'This link is no longer available.';

/** code -> [HTTP status, public message]. */
export const ERRORS = {
  // 400: the request is malformed.
  bad_request: [400, 'The request was refused.'],
  invalid_json: [400, 'The request body is not valid JSON.'],
  request_aborted: [400, 'The request was aborted.'],
  multipart_required: [400, 'Send the file as multipart/form-data in the field "file".'],
  file_missing: [400, 'Send the file in the multipart field "file".'],
  bad_upload: [400, 'The upload could not be read.'],
  too_many_files: [400, 'Send exactly one file in the field "file".'],
  unexpected_field: [400, 'Send the file in the multipart field "file".'],
  too_many_parts: [400, 'The upload has too many parts.'],
  too_many_fields: [400, 'The upload has too many fields.'],
  field_name_too_long: [400, 'A field name is too long.'],
  field_too_long: [400, 'A field value is too long.'],
  invalid_event: [400, 'The event is malformed.'],
  invalid_page: [400, 'The page is outside the document.'],
  invalid_duration: [400, 'The duration is longer than the visit.'],
  event_late: [400, 'The visit ended too long ago to take events.'],
  // 401: no or bad credentials.
  unauthorized: [401, 'Authentication is required.'],
  invalid_credentials: [401, 'The email or password is not correct.'],
  // 403: refused.
  download_disabled: [403, 'The sender has not allowed downloads for this link.'],
  access_required: [403, 'Open the link in a browser and pass its checks (passcode, email) first.'],
  access_denied: [403, 'The sender does not allow this reader to open the document.'],
  view_limit_reached: [403, 'This link has been opened as many times as the sender allowed.'],
  file_token_invalid: [403, 'The document is read through its link: open the link to get a fresh file token.'],
  file_token_expired: [403, 'The file token has expired: the reader gets a fresh one while the visit is live.'],
  csrf_check_failed: [403, 'Missing the X-Requested-With: pagetrail header required for cookie-authenticated changes.'],
  // 404: missing, or another sender's.
  not_found: [404, 'Resource not found.'],
  // 409: conflicts with what exists.
  sender_exists: [409, 'A sender with this email already exists.'],
  document_failed: [409, 'This document failed to process; links cannot be made for it.'],
  // 410: the link is revoked or expired (sockets say link_unavailable for any link a reader cannot use).
  link_revoked: [410, LINK_GONE],
  link_expired: [410, LINK_GONE],
  link_unavailable: [410, LINK_GONE],
  // 413: too large.
  file_too_large: [413, 'The file is larger than the upload limit.'],
  body_too_large: [413, 'The request body is too large.'],
  // 415: unsupported type.
  unsupported_file_type: [415, 'This file type is not supported. Upload a PDF, Word, PowerPoint or OpenDocument file.'],
  unsupported_encoding: [415, 'The request body encoding is not supported.'],
  unsupported_charset: [415, 'The request body charset is not supported.'],
  json_required: [415, 'Send a JSON body with Content-Type: application/json.'],
  // 416: outside the file.
  range_not_satisfiable: [416, 'The requested byte range is outside the file.'],
  // 422: invalid content.
  validation_failed: [422, 'Invalid request.'],
  file_empty: [422, 'The file is empty.'],
  file_encrypted: [422, 'The file is password-protected. Upload a copy without a password.'],
  file_corrupt: [422, 'The file is damaged: its zip structure could not be read.'],
  pdf_invalid: [422, 'The PDF is damaged or incomplete and cannot be opened.'],
  pdf_too_many_pages: [422, 'The PDF has more pages than this service accepts (PDF_MAX_PAGES).'],
  pdf_too_complex: [422, 'The PDF took too long or too much memory to check (PDF_INSPECT_TIMEOUT_MS).'],
  zip_bomb: [422, 'The file was refused.'],
  conversion_failed: [422, 'The document could not be converted to PDF. It may be corrupt or encrypted.'],
  webhook_url_invalid: [422, 'The webhook URL must be an absolute http or https URL without credentials.'],
  webhook_target_refused: [
    422,
    'The webhook URL points to a loopback or private address, which is refused (WEBHOOK_ALLOW_PRIVATE).',
  ],
  too_many_webhooks: [422, 'A sender may have at most 20 webhooks.'],
  // 429: too many.
  conversion_queue_full: [429, 'Too many documents are being converted right now. Try again in a moment.'],
  sender_queue_full: [429, 'You have too many documents being converted right now. Try again when they are ready.'],
  upload_quota_exceeded: [429, 'You have uploaded too much recently. Try again later.'],
  rate_limited: [429, 'Too many requests; try again later.'],
  // 500: our fault; a document whose processing was cut short by a stop carries processing_interrupted.
  internal_error: [500, 'Something went wrong on our side.'],
  processing_interrupted: [500, 'Processing was interrupted. Upload the file again.'],
  // 503: not ready, or the converter could not do it.
  document_not_ready: [503, 'This document is still being prepared. Try again in a moment.'],
  converter_unavailable: [503, 'The document converter is not available.'],
  converter_closed: [503, 'The converter is shutting down.'],
  conversion_timeout: [503, 'The document took too long to convert.'],
  conversion_aborted: [503, 'The conversion was cancelled.'],
  database_unavailable: [503, 'The database is not available right now. Try again in a moment.'],
  // Email out (server/mail): the relay maps each to an SMTP reply in mail/smtp/replies.ts.
  message_invalid: [400, 'The message could not be read as an RFC 5322 message.'],
  sender_address_refused: [403, 'Mail may only be sent from the address of the signed-in sender.'],
  message_too_large: [413, 'The message is larger than the limit (MAX_MESSAGE_BYTES).'],
  message_type_required: [415, 'Send the message with Content-Type: message/rfc822.'],
  no_recipients: [422, 'The message has no recipients (To, Cc or Bcc).'],
  too_many_recipients: [422, 'The message has too many recipients (MAIL_MAX_RECIPIENTS).'],
  recipient_invalid: [422, 'Not a valid recipient address.'],
  upstream_refused: [502, 'The upstream mail server refused the message.'],
  smtp_upstream_not_configured: [
    503,
    'Sending is not configured: set SMTP_UPSTREAM_URL to the SMTP server that delivers your mail.',
  ],
  upstream_unavailable: [503, 'The upstream mail server did not accept every copy.'],
  // Replies (server/replies): the IMAP mailbox a sender's replies are polled from.
  mailbox_password_required: [422, 'A password is required to set up a mailbox.'],
  mailbox_host_unknown: [422, 'The mailbox server name does not resolve.'],
  mailbox_host_refused: [
    422,
    'The mailbox server is on a loopback or private address; an operator may allow that with IMAP_ALLOW_PRIVATE=true.',
  ],
  mailbox_insecure: [
    422,
    'An unencrypted IMAP connection is allowed only to a server on loopback or a private network: use tls or starttls.',
  ],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

type Opts = { cause?: unknown; details?: Record<string, unknown> };

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly publicMessage: string;
  readonly details?: Record<string, unknown>;

  /** Prefer a factory; `message` and `status` override the catalogue's only where a factory says so. */
  constructor(code: ErrorCode, options: Opts & { message?: string; status?: number } = {}) {
    const [status, message] = ERRORS[code];
    super(options.message ?? message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? status;
    this.publicMessage = options.message ?? message;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.publicMessage };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

const factory = (code: ErrorCode) => (o?: Opts) => new AppError(code, o);
const worded = (code: ErrorCode, message: string) => (o?: Opts) => new AppError(code, { ...o, message });

// 400
/** Express's own parts refused the request (static files): the client error keeps its status. */
export const requestRefused = (status: number, cause?: unknown) => new AppError('bad_request', { status, cause });
export const invalidJson = factory('invalid_json');
export const requestAborted = factory('request_aborted');
export const multipartRequired = factory('multipart_required');
export const fileMissing = factory('file_missing');
export const badUpload = factory('bad_upload');
export const tooManyFiles = factory('too_many_files');
export const unexpectedField = factory('unexpected_field');
export const tooManyParts = factory('too_many_parts');
export const tooManyFields = factory('too_many_fields');
export const fieldNameTooLong = factory('field_name_too_long');
export const fieldTooLong = factory('field_too_long');
export const invalidEvent = factory('invalid_event');
export const invalidBeacon = worded('invalid_event', 'The beacon is malformed.');
export const invalidPage = (page: number, pageCount: number) =>
  new AppError('invalid_page', { message: `Page ${page} is outside 1..${pageCount}.` });
export const invalidDuration = factory('invalid_duration');
export const eventLate = factory('event_late');
// 401
export const unauthorized = factory('unauthorized');
export const invalidApiToken = worded('unauthorized', 'The API token is not valid.');
/** A feed socket without a valid token or session. */
export const signInRequired = worded('unauthorized', 'Sign in or pass a valid API token.');
export const cookieFromForeignOrigin = worded(
  'unauthorized',
  "The dashboard cookie is accepted only from Pagetrail's own pages; programs pass an API token.",
);
export const invalidCredentials = factory('invalid_credentials');
// 403
export const downloadDisabled = factory('download_disabled');
export const csrfCheckFailed = factory('csrf_check_failed');
export const accessRequired = factory('access_required');
export const accessDenied = factory('access_denied');
export const viewLimitReached = factory('view_limit_reached');
export const fileTokenInvalid = factory('file_token_invalid');
export const fileTokenExpired = factory('file_token_expired');
// 404
export const notFound = (what = 'Resource', o?: Opts) =>
  new AppError('not_found', { ...o, message: `${what} not found.` });
export const noSuchEndpoint = worded('not_found', 'No such endpoint.');
// 409
export const senderExists = factory('sender_exists');
export const documentFailed = factory('document_failed');
// 410
export const linkRevoked = factory('link_revoked');
export const linkExpired = factory('link_expired');
export const linkUnavailable = factory('link_unavailable');
// 413
export const fileTooLarge = factory('file_too_large');
export const bodyTooLarge = factory('body_too_large');
// 415
export const unsupportedFile = factory('unsupported_file_type');
export const unsupportedEncoding = factory('unsupported_encoding');
export const unsupportedCharset = factory('unsupported_charset');
export const jsonRequired = factory('json_required');
// 416
export const rangeNotSatisfiable = factory('range_not_satisfiable');
// 422
/** `message` names the first problem; every problem is in details.issues. */
export const validationFailed = (message: string, issues: unknown[]) =>
  new AppError('validation_failed', { message, details: { issues } });
export const fileEmpty = factory('file_empty');
export const fileEncrypted = factory('file_encrypted');
export const fileCorrupt = factory('file_corrupt');
export const pdfInvalid = factory('pdf_invalid');
export const pdfTooManyPages = (maxPages: number, o?: Opts) =>
  new AppError('pdf_too_many_pages', { ...o, message: `The PDF has more than ${maxPages} pages, the most accepted.` });
export const pdfTooComplex = factory('pdf_too_complex');
export const zipBomb = (why: string) => new AppError('zip_bomb', { message: `The file was refused: ${why}.` });
export const conversionFailed = factory('conversion_failed');
export const webhookUrlInvalid = factory('webhook_url_invalid');
export const webhookTargetRefused = factory('webhook_target_refused');
export const tooManyWebhooks = factory('too_many_webhooks');
// 429
export const conversionQueueFull = (o?: Opts) =>
  new AppError('conversion_queue_full', { ...o, details: { retryAfterS: 5 } });
export const senderQueueFull = (o?: Opts) => new AppError('sender_queue_full', { ...o, details: { retryAfterS: 5 } });
/** `retryAfterS`: seconds until the oldest upload counted leaves the window (sent as Retry-After). */
export const uploadQuotaExceeded = (what: 'documents' | 'bytes', limit: number, retryAfterS: number) =>
  new AppError('upload_quota_exceeded', {
    message:
      what === 'documents'
        ? `You have uploaded ${limit} documents in the last hour, the most allowed. Try again later.`
        : `You have uploaded ${limit} bytes in the last day, the most allowed. Try again later.`,
    details: { retryAfterS },
  });
export const signInRateLimited = worded('rate_limited', 'Too many sign-in attempts. Wait a minute and try again.');
export const eventRateLimited = worded('rate_limited', 'Too many events; slow down.');
export const connectionRateLimited = worded('rate_limited', 'Too many connections; try again later.');
export const webhookTestsRateLimited = worded('rate_limited', 'Too many test events; wait a minute and try again.');
export const visitRateLimited = worded('rate_limited', 'Too many new visits from this address; try again later.');
// 500
export const internalError = factory('internal_error');
export const processingInterrupted = factory('processing_interrupted');
// 503
export const documentNotReady = factory('document_not_ready');
export const converterUnavailable = factory('converter_unavailable');
export const converterClosed = factory('converter_closed');
export const conversionTimeout = factory('conversion_timeout');
export const conversionAborted = factory('conversion_aborted');
export const databaseUnavailable = factory('database_unavailable');

// Email out (server/mail)
export const messageTooLarge = (max = 0) =>
  new AppError('message_too_large', {
    message: `The message is larger than the limit of ${Math.round(max / 1048576)} MB (MAX_MESSAGE_BYTES).`,
  });
export const messageInvalid = (cause?: unknown) => new AppError('message_invalid', { cause });
export const messageTypeRequired = factory('message_type_required');
export const noRecipients = factory('no_recipients');
export const tooManyRecipients = (max = 0) =>
  new AppError('too_many_recipients', {
    message: `A message may have at most ${max} recipients (MAIL_MAX_RECIPIENTS).`,
  });
export const recipientInvalid = (address = '') =>
  new AppError('recipient_invalid', { message: `Not a valid recipient address: ${address.slice(0, 100)}.` });
export const senderAddressRefused = factory('sender_address_refused');
export const mailRateLimited = (what: 'messages' | 'recipients' = 'messages') =>
  new AppError('rate_limited', {
    message: `Too many ${what} sent in the last hour (MAIL_${what.toUpperCase()}_PER_HOUR). Try again later.`,
  });
export const upstreamNotConfigured = factory('smtp_upstream_not_configured');
export const upstreamUnavailable = (summary = 'no copy was accepted') =>
  new AppError('upstream_unavailable', {
    message: `The upstream mail server did not accept every copy: ${summary}. Send again: copies already accepted are not sent twice.`,
  });
export const upstreamRefused = (summary = 'the message') =>
  new AppError('upstream_refused', { message: `The upstream mail server refused: ${summary}.` });

// Replies (server/replies)
export const inboundTooLarge = (max = 0) =>
  new AppError('message_too_large', {
    message: `The message is larger than the limit of ${Math.round(max / 1024)} KiB (INBOUND_MAX_BYTES).`,
  });
export const inboundRateLimited = worded('rate_limited', 'Too many inbound messages; try again in a minute.');
export const mailboxPasswordRequired = factory('mailbox_password_required');
export const mailboxHostUnknown = factory('mailbox_host_unknown');
export const mailboxHostRefused = factory('mailbox_host_refused');
export const mailboxInsecure = factory('mailbox_insecure');
