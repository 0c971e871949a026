// Each sender's defaults for new links (GET/PUT /api/settings/link-defaults), kept as one JSON row per sender.
import type { Db } from '../../storage/db/index.ts';
import { BUILTIN_DEFAULTS, type LinkDefaults } from './settings.ts';

export class LinkDefaultsStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  async get(senderId: string): Promise<LinkDefaults> {
    const row = await this.db
      .selectFrom('link_defaults')
      .select('settings')
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    return { ...BUILTIN_DEFAULTS, ...(row ? (JSON.parse(row.settings) as Partial<LinkDefaults>) : {}) };
  }

  async put(senderId: string, settings: LinkDefaults): Promise<LinkDefaults> {
    const json = JSON.stringify(settings);
    const updated_at = new Date().toISOString();
    await this.db
      .insertInto('link_defaults')
      .values({ sender_id: senderId, settings: json, updated_at })
      .onConflict((oc) => oc.column('sender_id').doUpdateSet({ settings: json, updated_at }))
      .execute();
    return settings;
  }
}
