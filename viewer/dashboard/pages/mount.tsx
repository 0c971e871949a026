// Mounts the component pages into the router's main pane; `activity()` tells a live page that an event arrived.

import { render } from 'preact';
import { RecipientPage } from './recipient-page.tsx';
import { RecipientsPage } from './recipients-page.tsx';

export interface PageHandle {
  activity(): void;
  dispose(): void;
}

export function renderRecipients(root: HTMLElement): PageHandle {
  render(<RecipientsPage />, root);
  return { activity() {}, dispose: () => render(null, root) };
}

export function renderRecipient(root: HTMLElement, address: string): PageHandle {
  let pulse = 0;
  const paint = () => render(<RecipientPage address={address} pulse={pulse} />, root);
  paint();
  return {
    activity() {
      pulse++;
      paint();
    },
    dispose: () => render(null, root),
  };
}
