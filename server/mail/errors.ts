// The mail feature's errors, declared in the catalogue (server/errors.ts); the relay maps each code to an SMTP
// reply (smtp/replies.ts), HTTP to its status.
export {
  mailRateLimited,
  messageInvalid,
  messageTooLarge,
  messageTypeRequired,
  noRecipients,
  recipientInvalid,
  senderAddressRefused,
  tooManyRecipients,
  upstreamNotConfigured,
  upstreamRefused,
  upstreamUnavailable,
} from '../errors.ts';
