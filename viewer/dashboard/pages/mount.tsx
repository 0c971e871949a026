// Mounts the component pages into the router's main pane; `activity()` tells a live page that an event arrived.

import { type ComponentChild, render } from 'preact';
import { ComposePage } from './compose-page.tsx';
import { MailboxPage } from './mailbox-page.tsx';
import { MessagePage } from './message-page.tsx';
import { RecipientPage } from './recipient-page.tsx';
import { RecipientsPage } from './recipients-page.tsx';
import { SentPage } from './sent-page.tsx';
import { SettingsPage } from './settings-page.tsx';

export interface PageHandle {
  activity(): void;
  dispose(): void;
}

/** A page that takes the live pulse (a counter that grows on each event it should refresh for). */
function mountLive(root: HTMLElement, page: (pulse: number) => ComponentChild): PageHandle {
  let pulse = 0;
  const paint = () => render(page(pulse), root);
  paint();
  return {
    activity() {
      pulse++;
      paint();
    },
    dispose: () => render(null, root),
  };
}

function mountStatic(root: HTMLElement, page: ComponentChild): PageHandle {
  render(page, root);
  return { activity() {}, dispose: () => render(null, root) };
}

export const renderRecipients = (root: HTMLElement) => mountStatic(root, <RecipientsPage />);
export const renderRecipient = (root: HTMLElement, address: string) =>
  mountLive(root, (pulse) => <RecipientPage address={address} pulse={pulse} />);
export const renderSent = (root: HTMLElement) => mountLive(root, (pulse) => <SentPage pulse={pulse} />);
export const renderMessage = (root: HTMLElement, id: string) =>
  mountLive(root, (pulse) => <MessagePage id={id} pulse={pulse} />);
export const renderCompose = (root: HTMLElement) => mountStatic(root, <ComposePage />);
export const renderSettings = (root: HTMLElement) => mountStatic(root, <SettingsPage />);
export const renderMailbox = (root: HTMLElement) => mountStatic(root, <MailboxPage />);
