// A recipient's address, linked to their timeline; "Anyone with the link" when the link had no recipient.

import { recipientHref } from '../hooks/use-route.ts';

export { recipientHref };

export function RecipientLink({ address }: { address: string | null }) {
  if (!address) return <bdi>Anyone with the link</bdi>;
  return (
    <a class="recipient-link" href={recipientHref(address)}>
      <bdi>{address}</bdi>
    </a>
  );
}
