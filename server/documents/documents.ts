// Documents: rows, their blobs, and the public JSON shape. Every query is scoped to the owning sender.
import type { DocumentJson } from '../api-types.ts';
import type { BlobStore } from '../../storage/blobs/blob-store.ts';
import type { Db, DocumentRow } from '../../storage/db/index.ts';
import { ERRORS, notFound } from '../errors.ts';
import type { DomainEvents } from '../events.ts';

/** The reader's page-1 image (server/conversion/render.ts blobKeys.firstPage): made after ready when it can be. */
export const firstPageKey = (documentId: string) => `docs/${documentId}/first-page.jpg`;

/** Page n's small thumbnail (1-based), for the analytics chart; pages 1..documents.page_thumbnails have one. */
export const pageThumbnailKey = (documentId: string, page: number) => `docs/${documentId}/pages/${page}.jpg`;

/** Removes the per-page thumbnails of a document that has `count` of them. */
export async function removePageThumbnails(blobs: BlobStore, documentId: string, count: number): Promise<void> {
  for (let page = 1; page <= count; page++) await blobs.delete(pageThumbnailKey(documentId, page));
}

export function documentJson(d: DocumentRow): DocumentJson {
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    pageCount: d.page_count === null ? null : Number(d.page_count),
    format: d.format,
    sizeBytes: Number(d.size_bytes),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    thumbnailUrl: d.thumbnail_key ? `/api/documents/${d.id}/thumbnail` : null,
    pageThumbnails: Number(d.page_thumbnails ?? 0),
    ...(d.status === 'failed'
      ? {
          error: { code: d.error_code ?? 'conversion_failed', message: d.error_message ?? ERRORS.conversion_failed[1] },
        }
      : {}),
  };
}

export class Documents {
  private readonly db: Db;
  private readonly blobs: BlobStore;
  private readonly bus: DomainEvents;

  constructor(db: Db, blobs: BlobStore, bus: DomainEvents) {
    this.db = db;
    this.blobs = blobs;
    this.bus = bus;
  }

  async list(senderId: string): Promise<DocumentRow[]> {
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('sender_id', '=', senderId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** A foreign id answers exactly like a missing one. */
  async get(senderId: string, id: string): Promise<DocumentRow> {
    const row = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', id)
      .where('sender_id', '=', senderId)
      .executeTakeFirst();
    if (!row) throw notFound('Document');
    return row;
  }

  async remove(senderId: string, id: string): Promise<DocumentRow> {
    const doc = await this.get(senderId, id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('events').where('document_id', '=', id).execute();
      await trx
        .deleteFrom('visit_totals')
        .where('visit_id', 'in', (eb) => eb.selectFrom('visits').select('id').where('document_id', '=', id))
        .execute();
      await trx.deleteFrom('visits').where('document_id', '=', id).execute();
      await trx.deleteFrom('links').where('document_id', '=', id).execute();
      await trx.deleteFrom('documents').where('id', '=', id).execute();
    });
    await this.removeBlobs(doc);
    this.bus.emit('document:deleted', { senderId, documentId: id });
    return doc;
  }

  private async removeBlobs(
    doc: Pick<DocumentRow, 'id' | 'original_key' | 'pdf_key' | 'thumbnail_key' | 'page_thumbnails'>,
  ): Promise<void> {
    const keys = [doc.original_key, doc.pdf_key, doc.thumbnail_key, firstPageKey(doc.id)];
    for (const key of keys) if (key) await this.blobs.delete(key);
    await removePageThumbnails(this.blobs, doc.id, Number(doc.page_thumbnails ?? 0));
  }
}
