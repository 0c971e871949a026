// The IMAP edge: one watcher per sender's mailbox, started with the app, restarted when the sender changes the
// settings (mailbox:changed on the bus), all stopped on close.
import type { Mailboxes } from '../../replies/mailboxes.ts';
import { MailboxWatcher, type WatcherDeps } from './watcher.ts';

export class MailboxPoller {
  private readonly d: WatcherDeps & { mailboxes: Mailboxes };
  private readonly watchers = new Map<string, MailboxWatcher>();
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(d: WatcherDeps) {
    this.d = d;
  }

  start(): Promise<void> {
    return this.serial(async () => {
      for (const row of await this.d.mailboxes.all())
        if (!this.watchers.has(row.sender_id)) this.watchers.set(row.sender_id, new MailboxWatcher(row, this.d));
    });
  }

  /** The sender's settings changed: the old connection goes, a new one starts from the saved settings. */
  reload(senderId: string): Promise<void> {
    return this.serial(async () => {
      await this.watchers.get(senderId)?.close();
      this.watchers.delete(senderId);
      const row = await this.d.mailboxes.get(senderId);
      if (row && !this.closed) this.watchers.set(senderId, new MailboxWatcher(row, this.d));
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : fn()))
      .catch((err: unknown) => {
        this.d.logger.error({ err }, 'mailbox poller could not start a watcher');
      });
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
  }
}
