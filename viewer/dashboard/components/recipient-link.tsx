// A recipient's address, linked to their timeline; "Anyone with the link" when the link had no recipient.

export function recipientHref(address: string): string {
  return `#/recipients/${encodeURIComponent(address)}`;
}

export function RecipientLink({ address }: { address: string | null }) {
  if (!address) return <bdi>Anyone with the link</bdi>;
  return (
    <a class="recipient-link" href={recipientHref(address)}>
      <bdi>{address}</bdi>
    </a>
  );
}
