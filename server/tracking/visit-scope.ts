// The visits a figure counts: a document's (or a sender's), with their link and totals, the sender's own and
// automated ones left out unless included.
import type { Db } from '../../storage/db/index.ts';
import type { IncludedViews } from '../api-types.ts';

export function visitsOfDocument(db: Db, documentId: string, included: IncludedViews) {
  return scoped(db, included).where('visits.document_id', '=', documentId);
}

export function visitsOfSender(db: Db, senderId: string, included: IncludedViews) {
  return scoped(db, included).where('visits.sender_id', '=', senderId);
}

function scoped(db: Db, included: IncludedViews) {
  return db
    .selectFrom('visits')
    .innerJoin('links', 'links.id', 'visits.link_id')
    .leftJoin('visit_totals', 'visit_totals.visit_id', 'visits.id')
    .$if(!included.self, (q) => q.where('visits.self', '=', 0))
    .$if(!included.automated, (q) => q.where('visits.automated', '=', 0));
}

/** A document's visits alone (no joins): the groupings read them from the visits_document_figures index. */
export function bareVisitsOfDocument(db: Db, documentId: string, included: IncludedViews) {
  return db
    .selectFrom('visits')
    .where('visits.document_id', '=', documentId)
    .$if(!included.self, (q) => q.where('visits.self', '=', 0))
    .$if(!included.automated, (q) => q.where('visits.automated', '=', 0));
}
