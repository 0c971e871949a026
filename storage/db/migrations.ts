// Schema migrations, applied in order at start; written with the schema builder so they run on SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { Sealer } from '../sealer.ts';
import { up as analyticsRollups } from './analytics-rollups-migration.ts';

/** What a migration may need beyond the database: the sealers of link and copy tokens, made only when rows need them. */
export interface MigrationContext {
  linkSealer: () => Sealer;
  copySealer: () => Sealer;
}

const migrations = (ctx: MigrationContext): Record<string, Migration> => ({
  '0001_core': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('senders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('event_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('page_count', 'integer')
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('original_key', 'text')
        .addColumn('pdf_key', 'text')
        .addColumn('pdf_size', 'bigint')
        .addColumn('thumbnail_key', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('convert_ms', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('documents_sender').on('documents').columns(['sender_id', 'created_at']).execute();
      await db.schema
        .createTable('links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('recipient', 'text')
        .addColumn('allow_download', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('links_document').on('links').column('document_id').execute();
      await db.schema
        .createTable('visits')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
        .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('viewer_key', 'text', (c) => c.notNull())
        .addColumn('device', 'text')
        .addColumn('location', 'text')
        .addColumn('automated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('self', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('visits_link').on('visits').column('link_id').execute();
      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('document_id', 'text', (c) => c.references('documents.id').onDelete('cascade'))
        .addColumn('link_id', 'text')
        .addColumn('visit_id', 'text')
        .addColumn('client_id', 'text')
        .addColumn('recipient', 'text')
        .addColumn('page', 'integer')
        .addColumn('duration_ms', 'integer')
        .addColumn('device', 'text')
        .addColumn('location', 'text')
        .addColumn('automated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('self', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('events_sender_seq').on('events').columns(['sender_id', 'seq']).unique().execute();
      await db.schema.createIndex('events_document').on('events').columns(['document_id', 'seq']).execute();
      await db.schema
        .createIndex('events_visit_client')
        .on('events')
        .columns(['visit_id', 'client_id'])
        .unique()
        .execute();
    },
  },
  // Page events are written at thousands a second from many visits at once. An index led by the visit takes
  // each new entry on a different page of it (one per live visit), which dominated the cost of a write. Client ids
  // begin with the client's clock, so an index led by them grows at its end; a visit's time so far moves to a
  // narrow table with one row per visit, keyed by time-ordered visit ids, so live visits share a few pages.
  '0002_event_write_paths': {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('events_visit_client').execute();
      await db.schema
        .createIndex('events_client_visit')
        .on('events')
        .columns(['client_id', 'visit_id'])
        .unique()
        .execute();
      await db.schema
        .createTable('visit_totals')
        .addColumn('visit_id', 'text', (c) => c.primaryKey())
        .addColumn('accounted_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db
        .insertInto('visit_totals')
        .columns(['visit_id', 'accounted_ms'])
        .expression(
          db
            .selectFrom('events')
            .select(['visit_id', (eb) => eb.fn.sum('duration_ms').as('accounted_ms')])
            .where('visit_id', 'is not', null)
            .where('duration_ms', 'is not', null)
            .groupBy('visit_id'),
        )
        .execute();
    },
  },
  // Email out: messages, their recipients (To/Cc/Bcc), one copy per recipient with its own token and delivery
  // state (a retry of the same Message-ID sends only what is missing), the links each copy carries, and what
  // became of each attachment. Documents get a content hash so the same file from the same sender is reused.
  '0003_mail': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('documents').addColumn('content_hash', 'text').execute();
      await db.schema
        .alterTable('senders')
        .addColumn('mail_tracking', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createIndex('documents_sender_hash')
        .on('documents')
        .columns(['sender_id', 'content_hash'])
        .execute();
      await db.schema.alterTable('events').addColumn('message_id', 'text').execute();
      await db.schema.alterTable('events').addColumn('detail', 'text').execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('tracked', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('messages_sender_message_id')
        .on('messages')
        .columns(['sender_id', 'message_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('messages_sender_created')
        .on('messages')
        .columns(['sender_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('message_recipients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_recipients_message')
        .on('message_recipients')
        .columns(['message_id', 'address'])
        .unique()
        .execute();
      await db.schema
        .createTable('message_copies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('recipient_id', 'text', (c) =>
          c.notNull().unique().references('message_recipients.id').onDelete('cascade'),
        )
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_response', 'text')
        .addColumn('delivered_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_copies_message').on('message_copies').column('message_id').execute();
      await db.schema
        .createTable('message_copy_links')
        .addColumn('copy_id', 'text', (c) => c.notNull().references('message_copies.id').onDelete('cascade'))
        .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('message_copy_links_pk', ['copy_id', 'document_id'])
        .execute();
      await db.schema
        .createTable('message_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('document_id', 'text', (c) => c.references('documents.id').onDelete('set null'))
        .addColumn('reason_code', 'text')
        .addColumn('reason', 'text')
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_attachments_message')
        .on('message_attachments')
        .column('message_id')
        .execute();
    },
  },
  // Link tokens were stored in clear beside their hash: now only the hash (for lookups) and a sealed copy (so a
  // sender's link list still gives usable URLs) remain.
  '0004_sealed_link_tokens': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('links').addColumn('token_sealed', 'text').execute();
      const rows = (await db.selectFrom('links').select(['id', 'token']).execute()) as { id: string; token: string }[];
      if (rows.length) {
        const sealer = ctx.linkSealer();
        for (const r of rows)
          await db
            .updateTable('links')
            .set({ token_sealed: sealer.seal(r.token, r.id) })
            .where('id', '=', r.id)
            .execute();
      }
      await db.schema.alterTable('links').dropColumn('token').execute();
    },
  },
  // Webhooks (per sender, secret sealed), their delivery queue (due times survive restarts), visit reports (the
  // end of a visit, fired once it can no longer resume), notification switches, the place of a visit for forward
  // detection (a /24 or /48 network, never the address unless KEEP_IP_ADDRESSES), and per-page totals of purged
  // events (RETENTION_DAYS), so analytics keep their totals.
  '0007_webhooks': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhooks_sender').on('webhooks').column('sender_id').execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_at', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_hook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('visit_reports')
        .addColumn('visit_id', 'text', (c) => c.primaryKey().references('visits.id').onDelete('cascade'))
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('visit_reports_due').on('visit_reports').column('due_at').execute();
      await db.schema
        .alterTable('senders')
        .addColumn('notify_email', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('links')
        .addColumn('notify', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('visits').addColumn('network', 'text').execute();
      await db.schema.alterTable('visits').addColumn('ip', 'text').execute();
      await db.schema.createIndex('visits_link_viewer').on('visits').columns(['link_id', 'viewer_key']).execute();
      await db.schema
        .createTable('page_rollups')
        .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('page', 'integer', (c) => c.notNull())
        .addColumn('total_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('page_rollups_pk', ['document_id', 'page'])
        .execute();
      await db.schema.createIndex('events_at').on('events').column('at').execute();
    },
  },
  // Upload quotas: every upload a sender made (accepted or refused later) with its size, kept a day.
  '0011_quotas': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('upload_usage')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('upload_usage_sender_at')
        .on('upload_usage')
        .columns(['sender_id', 'created_at'])
        .execute();
    },
  },
  // Access controls per link: a passcode (scrypt hash), an email gate with single-use codes, allow and deny lists,
  // a view limit and a watermark; each sender's defaults for new links; file reads counted per visit.
  '0009_link_access': {
    async up(db: Kysely<any>) {
      const links = () => db.schema.alterTable('links');
      await links().addColumn('passcode_hash', 'text').execute();
      await links()
        .addColumn('require_email', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await links().addColumn('allow_list', 'text').execute();
      await links().addColumn('deny_list', 'text').execute();
      await links().addColumn('max_views', 'integer').execute();
      await links()
        .addColumn('watermark', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('access_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_codes_link').on('access_codes').columns(['link_id', 'created_at']).execute();
      await db.schema
        .createTable('link_defaults')
        .addColumn('sender_id', 'text', (c) => c.primaryKey().references('senders.id').onDelete('cascade'))
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('visit_file_reads')
        .addColumn('visit_id', 'text', (c) => c.primaryKey().references('visits.id').onDelete('cascade'))
        .addColumn('requests', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // Email signals: a copy's token is kept sealed (a retry writes the same pixel and links again), never in clear;
  // the links each copy's HTML carries (the click redirect's target, stored at rewrite time); a copy's machine
  // window (a honeypot hit or a burst marks it); the sender's own browsers (a long-lived device cookie, hashed)
  // and the addresses their dashboard sessions came from.
  '0005_signals': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('message_copies').addColumn('token_sealed', 'text').execute();
      await db.schema.alterTable('message_copies').addColumn('machine_until', 'text').execute();
      const rows = (await db.selectFrom('message_copies').select(['id', 'token']).execute()) as {
        id: string;
        token: string;
      }[];
      if (rows.length) {
        const sealer = ctx.copySealer();
        for (const r of rows)
          await db
            .updateTable('message_copies')
            .set({ token_sealed: sealer.seal(r.token, r.id) })
            .where('id', '=', r.id)
            .execute();
      }
      await db.schema.alterTable('message_copies').dropColumn('token').execute();
      await db.schema
        .createTable('message_links')
        .addColumn('copy_id', 'text', (c) => c.notNull().references('message_copies.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('honeypot', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('message_links_pk', ['copy_id', 'position'])
        .execute();
      await db.schema
        .createTable('sender_devices')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sender_addresses')
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sender_addresses_pk', ['sender_id', 'address'])
        .execute();
      await db.schema.alterTable('events').addColumn('automated_reason', 'text').execute();
      await db.schema.createIndex('events_message').on('events').columns(['message_id', 'seq']).execute();
    },
  },
  // Replies: each inbound message taken (by its Message-ID, per sender, so the same mail twice records once) with
  // what it became, and per sender the IMAP mailbox polled for them (the password sealed, the last UID seen).
  '0006_replies': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('inbound_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('senders.id').onDelete('cascade'))
        .addColumn('inbound_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message_ref', 'text', (c) => c.references('messages.id').onDelete('cascade'))
        .addColumn('event_id', 'text')
        .addColumn('from_address', 'text')
        .addColumn('recipient', 'text')
        .addColumn('participants', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inbound_messages_sender_inbound')
        .on('inbound_messages')
        .columns(['sender_id', 'inbound_id'])
        .unique()
        .execute();
      await db.schema.createIndex('inbound_messages_message').on('inbound_messages').column('message_ref').execute();
      await db.schema
        .createTable('mailboxes')
        .addColumn('sender_id', 'text', (c) => c.primaryKey().references('senders.id').onDelete('cascade'))
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('security', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('password_sealed', 'text', (c) => c.notNull())
        .addColumn('folder', 'text', (c) => c.notNull())
        .addColumn('uid_validity', 'text')
        .addColumn('last_uid', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_message', 'text')
        .addColumn('last_checked_at', 'text')
        .addColumn('connected_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // The per-sender switches for the open pixel and click rewriting of mail (both on, as before).
  '0014_mail_signal_switches': {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('senders')
        .addColumn('mail_pixel', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('senders')
        .addColumn('mail_clicks', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
  },
  // Each viewer visit asks whether its link came from a mail copy (the no_human_input rule): by link, not a scan.
  // Per-document visit rollups kept with every append (days and shapes, viewers, drop-off, per-link totals).
  '0014_analytics_rollups': { up: analyticsRollups },
  '0013_copy_link_index': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('message_copy_links_link').on('message_copy_links').column('link_id').execute();
    },
  },
  // Per-page thumbnails (the analytics chart shows the hovered page): how many pages have one, from page 1 on.
  '0015_page_thumbnails': {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('documents')
        .addColumn('page_thumbnails', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  // A document's visits page, newest first, read in the index's order to its limit (no sort of every visit).
  '0016_visits_page_order': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('visits_document_order')
        .on('visits')
        .columns(['document_id', 'started_at', 'id'])
        .execute();
      await db.schema.dropIndex('visits_document').execute();
    },
  },
  // Analytics that stay fast as events grow: the visit's device and place as columns, per-visit page figures and
  // per-document page rollups kept at write time, filled here from the events and the purge rollups so far.
  '0010_analytics': {
    async up(db: Kysely<any>) {
      for (const [name, type] of [
        ['device_type', 'text'],
        ['browser', 'text'],
        ['country', 'text'],
        ['city', 'text'],
        ['lat', 'double precision'],
        ['lon', 'double precision'],
        ['forwarded', 'integer'],
        ['viewer', 'text'],
      ] as const)
        await db.schema.alterTable('visits').addColumn(name, type).execute();
      for (const v of await db.selectFrom('visits').select(['id', 'device', 'location']).execute()) {
        const device = v.device ? JSON.parse(v.device) : null;
        const place = v.location ? JSON.parse(v.location) : null;
        await db
          .updateTable('visits')
          .set({
            device_type: device?.type ?? null,
            browser: device?.browser ?? null,
            country: place?.country ?? null,
            city: place?.city ?? null,
          })
          .where('id', '=', v.id)
          .execute();
      }
      await sql`update visits set forwarded = 1 where exists
        (select 1 from events e where e.visit_id = visits.id and e.type = 'forward')`.execute(db);
      await sql`update visits set viewer = coalesce((select l.recipient from links l where l.id = visits.link_id),
        visits.viewer_key)`.execute(db);
      await db.schema.createIndex('visits_document').on('visits').columns(['document_id', 'started_at']).execute();
      // Covers the analytics' groupings of a document's visits, read from the index alone.
      await db.schema
        .createIndex('visits_document_figures')
        .on('visits')
        .columns([
          'document_id',
          'self',
          'automated',
          'started_at',
          'device_type',
          'browser',
          'country',
          'city',
          'lat',
          'lon',
          'viewer',
        ])
        .execute();
      await db.schema.createIndex('visits_link_started').on('visits').columns(['link_id', 'started_at']).execute();
      await db.schema.createIndex('visits_sender').on('visits').columns(['sender_id', 'started_at']).execute();
      await db.schema
        .alterTable('visit_totals')
        .addColumn('pages_seen', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('visit_totals').addColumn('last_page', 'integer').execute();
      await db.schema.alterTable('visit_totals').addColumn('last_at', 'text').execute();
      await db.schema
        .alterTable('visit_totals')
        .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('visit_pages')
        .addColumn('visit_id', 'text', (c) => c.notNull())
        .addColumn('page', 'integer', (c) => c.notNull())
        .addColumn('total_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('visit_pages_pk', ['visit_id', 'page'])
        .execute();
      await db.schema
        .createTable('document_pages')
        .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id').onDelete('cascade'))
        .addColumn('page', 'integer', (c) => c.notNull())
        .addColumn('self', 'integer', (c) => c.notNull())
        .addColumn('automated', 'integer', (c) => c.notNull())
        .addColumn('total_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('document_pages_pk', ['document_id', 'page', 'self', 'automated'])
        .execute();
      await db.schema
        .createTable('link_pages')
        .addColumn('link_id', 'text', (c) => c.notNull().references('links.id').onDelete('cascade'))
        .addColumn('page', 'integer', (c) => c.notNull())
        .addColumn('self', 'integer', (c) => c.notNull())
        .addColumn('automated', 'integer', (c) => c.notNull())
        .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('link_pages_pk', ['link_id', 'page', 'self', 'automated'])
        .execute();
      const pageViews = db
        .selectFrom('events')
        .where('type', '=', 'page_view')
        .where('visit_id', 'is not', null)
        .where('page', 'is not', null);
      await db
        .insertInto('visit_pages')
        .columns(['visit_id', 'page', 'total_ms', 'views'])
        .expression(
          pageViews
            .select([
              'visit_id',
              'page',
              (eb) => eb.fn.coalesce(eb.fn.sum('duration_ms'), eb.lit(0)).as('total_ms'),
              (eb) => eb.fn.countAll().as('views'),
            ])
            .groupBy(['visit_id', 'page']),
        )
        .execute();
      await db
        .insertInto('visit_totals')
        .columns(['visit_id'])
        .expression(
          db
            .selectFrom('visits')
            .select('visits.id')
            .where((eb) =>
              eb.not(
                eb.exists(eb.selectFrom('visit_totals').select('visit_id').whereRef('visit_id', '=', 'visits.id')),
              ),
            ),
        )
        .execute();
      await sql`update visit_totals set
        pages_seen = (select count(*) from visit_pages p where p.visit_id = visit_totals.visit_id),
        last_page = (select e.page from events e where e.visit_id = visit_totals.visit_id and e.type = 'page_view'
          order by e.seq desc limit 1),
        last_at = (select max(e.at) from events e where e.visit_id = visit_totals.visit_id and e.type = 'page_view'),
        downloads = (select count(*) from events e where e.visit_id = visit_totals.visit_id and e.type = 'download')`.execute(
        db,
      );
      await db
        .insertInto('document_pages')
        .columns(['document_id', 'page', 'self', 'automated', 'total_ms', 'visits', 'downloads'])
        .expression(
          pageViews
            .where('document_id', 'is not', null)
            .select([
              'document_id',
              'page',
              'self',
              'automated',
              (eb) => eb.fn.coalesce(eb.fn.sum('duration_ms'), eb.lit(0)).as('total_ms'),
              sql`count(distinct visit_id)`.as('visits'),
              sql.lit(0).as('downloads'),
            ])
            .groupBy(['document_id', 'page', 'self', 'automated']),
        )
        .execute();
      await db
        .insertInto('link_pages')
        .columns(['link_id', 'page', 'self', 'automated', 'visits'])
        .expression(
          db
            .selectFrom('visit_pages')
            .innerJoin('visits', 'visits.id', 'visit_pages.visit_id')
            .select((eb) => [
              'visits.link_id',
              'visit_pages.page',
              'visits.self',
              'visits.automated',
              eb.fn.countAll().as('visits'),
            ])
            .groupBy(['visits.link_id', 'visit_pages.page', 'visits.self', 'visits.automated']),
        )
        .execute();
      // What RETENTION_DAYS purged before: human totals.
      for (const r of await db.selectFrom('page_rollups').selectAll().execute())
        await db
          .insertInto('document_pages')
          .values({ ...r, self: 0, automated: 0 })
          .onConflict((oc) =>
            oc.columns(['document_id', 'page', 'self', 'automated']).doUpdateSet((eb) => ({
              total_ms: eb('document_pages.total_ms', '+', eb.ref('excluded.total_ms')),
              visits: eb('document_pages.visits', '+', eb.ref('excluded.visits')),
              downloads: eb('document_pages.downloads', '+', eb.ref('excluded.downloads')),
            })),
          )
          .execute();
    },
  },
});

class StaticProvider implements MigrationProvider {
  private readonly ctx: MigrationContext;
  constructor(ctx: MigrationContext) {
    this.ctx = ctx;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.ctx);
  }
}

const noSealer: MigrationContext = {
  linkSealer: () => {
    throw new Error('link tokens to seal, but no data directory was given');
  },
  copySealer: () => {
    throw new Error('copy tokens to seal, but no data directory was given');
  },
};

/** Applies every migration, or those up to and including `upTo` (tests of a migration start from the one before). */
export async function migrate(db: Kysely<any>, upTo?: string, ctx: MigrationContext = noSealer): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(ctx),
    // Migrations are independent of each other's order; a database that ran a later one first still gets the rest.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await (upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest());
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed)
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}`, { cause: error });
}
