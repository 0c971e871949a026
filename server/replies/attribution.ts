// Who wrote a reply, said in terms of the message's recipients: the recipient themselves, a Cc'd recipient, a
// colleague at the same (not free-mail) domain as a recipient, or someone a recipient's own reply brought into the
// thread (in its To or Cc). Anyone else (a stranger at gmail.com, say) is stored but attributed to nobody.
import { domainOf, isFreeMailDomain } from './free-mail.ts';

export type Attribution = 'recipient' | 'cc' | 'colleague' | 'thread' | 'unknown';

export interface Recipient {
  address: string;
  role: 'to' | 'cc' | 'bcc';
}

export interface Attributed {
  /** The recipient the reply counts for; null when nobody. */
  recipient: string | null;
  attribution: Attribution;
}

/** `brought`: people named in the To/Cc of earlier replies in the thread -> the recipient whose reply named them. */
export function attribute(
  from: string | null,
  recipients: Recipient[],
  brought = new Map<string, string>(),
): Attributed {
  if (!from) return { recipient: null, attribution: 'unknown' };
  const self = recipients.find((r) => r.address === from);
  if (self) return { recipient: self.address, attribution: self.role === 'cc' ? 'cc' : 'recipient' };
  const domain = domainOf(from);
  if (!isFreeMailDomain(domain)) {
    // To before Cc before Bcc, in the order the message named them.
    const order = { to: 0, cc: 1, bcc: 2 };
    const colleague = recipients
      .filter((r) => domainOf(r.address) === domain)
      .sort((a, b) => order[a.role] - order[b.role])[0];
    if (colleague) return { recipient: colleague.address, attribution: 'colleague' };
  }
  const via = brought.get(from);
  if (via) return { recipient: via, attribution: 'thread' };
  return { recipient: null, attribution: 'unknown' };
}
