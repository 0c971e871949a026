// The per-document page rollups follow a visit re-judged after the fact (a scanner found out when it left): its
// pages' time and visit (per document and per link) move from one kind of reader to the other, so the rollups keep agreeing with the events.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface ReaderKind {
  self: number;
  automated: number;
}

export async function moveVisitPages(
  db: Kysely<Database>,
  visit: { id: string; documentId: string; linkId: string },
  from: ReaderKind,
  to: ReaderKind,
): Promise<void> {
  const pages = await db
    .selectFrom('visit_pages')
    .select(['page', 'total_ms'])
    .where('visit_id', '=', visit.id)
    .orderBy('page')
    .execute();
  for (const p of pages) {
    await db
      .updateTable('document_pages')
      .set((eb) => ({
        total_ms: eb('total_ms', '-', Number(p.total_ms)),
        visits: eb('visits', '-', 1),
      }))
      .where('document_id', '=', visit.documentId)
      .where('page', '=', p.page)
      .where('self', '=', from.self)
      .where('automated', '=', from.automated)
      .execute();
    await db
      .insertInto('document_pages')
      .values({
        document_id: visit.documentId,
        page: p.page,
        ...to,
        total_ms: Number(p.total_ms),
        visits: 1,
        downloads: 0,
      })
      .onConflict((oc) =>
        oc.columns(['document_id', 'page', 'self', 'automated']).doUpdateSet((eb) => ({
          total_ms: eb('document_pages.total_ms', '+', eb.ref('excluded.total_ms')),
          visits: eb('document_pages.visits', '+', 1),
        })),
      )
      .execute();
    await db
      .updateTable('link_pages')
      .set((eb) => ({ visits: eb('visits', '-', 1) }))
      .where('link_id', '=', visit.linkId)
      .where('page', '=', p.page)
      .where('self', '=', from.self)
      .where('automated', '=', from.automated)
      .execute();
    await db
      .insertInto('link_pages')
      .values({ link_id: visit.linkId, page: p.page, ...to, visits: 1 })
      .onConflict((oc) =>
        oc.columns(['link_id', 'page', 'self', 'automated']).doUpdateSet((eb) => ({
          visits: eb('link_pages.visits', '+', 1),
        })),
      )
      .execute();
  }
}
