// The /viewer namespace: a recipient's browser, admitted by its link token. Page events are validated and
// stored before they are acknowledged ("ack" means "stored"); a revoked link drops its sockets.
import type { Namespace, Server, Socket } from 'socket.io';
import { withIdentity, type LinkAccessParts } from '../access/access.ts';
import { accessOf, isGated } from '../access/settings.ts';
import { watermarkText } from '../access/watermark.ts';
import type { Accounts } from '../accounts/senders.ts';
import type { Links } from '../documents/links.ts';
import { accessRequired, connectionRateLimited, linkUnavailable, viewLimitReached } from '../errors.ts';
import { clientAddress, clientInfo } from '../accounts/identity.ts';
import type { Logger } from '../logger.ts';
import type { KeyedLimit } from '../rate-limit.ts';
import type { TrustProxy } from '../config.ts';
import type { Tracker, VisitState } from '../tracking/tracker.ts';
import { refusal, toSocketError } from './errors.ts';
import type { PresenceBoard } from './presence.ts';
import type { Reply, ViewerClientEvents, ViewerServerEvents } from './protocol.ts';

interface ViewerData {
  visit: VisitState;
  /** The watermark text, when the link has one. */
  watermark: string | null;
  fileSize: number;
}
type ViewerNsp = Namespace<ViewerClientEvents, ViewerServerEvents, Record<string, never>, ViewerData>;
type ViewerSocket = Socket<ViewerClientEvents, ViewerServerEvents, Record<string, never>, ViewerData>;

export interface ViewerDeps {
  accounts: Accounts;
  links: Links;
  tracker: Tracker;
  presence: PresenceBoard;
  logger: Logger;
  trustProxy: TrustProxy;
  /** Viewer connections one address may open per minute (shared with downloads opening visits). */
  visitLimiter: KeyedLimit;
  access: LinkAccessParts;
}

export function attachViewer(io: Server, d: ViewerDeps): ViewerNsp {
  const nsp = io.of('/viewer') as unknown as ViewerNsp;
  const perAddress = d.visitLimiter;

  nsp.use(async (socket, next) => {
    const token = socket.handshake.auth?.token;
    if (typeof token !== 'string') return next(refusal(linkUnavailable()));
    const allowed = await perAddress.take(clientAddress(socket.request, d.trustProxy)).catch((err: unknown) => {
      d.logger.error({ err }, 'visit limit unavailable');
      return false;
    });
    if (!allowed) return next(refusal(connectionRateLimited()));
    try {
      const found = await d.links.resolveReadable(token);
      const client = await clientInfo(d.accounts, socket.request, d.trustProxy);
      const access = accessOf(found.link);
      let email: string | null = null;
      if (isGated(access)) {
        // Only a browser that passed the gates holds the reader page's ticket.
        const pass = d.access.passes.openPass(found.link.id, socket.handshake.auth?.ticket, 'entry');
        const decision = pass ? await d.access.gate.decide(found, pass, client, false) : null;
        if (decision?.kind !== 'read') return next(refusal(accessRequired()));
        email = decision.email;
      }
      const resolved = withIdentity(found, email);
      // The visit is settled in the handshake, so event handlers exist the moment the client is connected.
      const wanted = socket.handshake.auth?.visitId;
      const resumed = typeof wanted === 'string' ? await d.tracker.resumeVisit(resolved, wanted) : null;
      if (!resumed && (await d.access.gate.viewLimitReached(resolved, client))) {
        await d.access.gate.refuse(resolved, 'view_limit_reached', client, email);
        return next(refusal(viewLimitReached()));
      }
      socket.data.visit = resumed ?? (await d.tracker.openVisit(resolved, client));
      socket.data.watermark = access.watermark ? watermarkText(resolved.link.recipient, client.ip) : null;
      socket.data.fileSize = Number(resolved.document.pdf_size ?? 0);
      next();
    } catch (err) {
      const e = toSocketError(err, d.logger, 'viewer handshake failed');
      // A link the reader cannot use (unknown, revoked, expired) is unavailable, whatever the reason.
      next(refusal(e.status === 404 || e.status === 410 ? linkUnavailable() : e));
    }
  });

  nsp.on('connection', (socket) => connected(socket, d));
  return nsp;
}

function connected(socket: ViewerSocket, d: ViewerDeps): void {
  const visit = socket.data.visit;
  d.tracker.attach(visit);
  socket.join([`link:${visit.linkId}`, `doc:${visit.documentId}`]);

  socket.on('page:view', async (input, ack) => {
    if (typeof ack !== 'function') return;
    const reply = (r: Reply<{ seq: number; duplicate: boolean }>) => ack(r);
    try {
      const stored = await d.tracker.pageView(visit, input);
      reply({ data: { seq: stored.duplicate ? stored.seq : stored.event.seq, duplicate: stored.duplicate } });
      if (!stored.duplicate) d.presence.page(visit.id, stored.event.page ?? 0);
    } catch (err) {
      const e = toSocketError(err, d.logger, 'page event failed');
      reply({ error: e.toJSON() });
      // The link expired during the visit: the reader is turned away as on revocation.
      if (e.status === 410) {
        socket.emit('link:revoked');
        socket.disconnect(true);
      }
    }
  });
  // A flag on the visit, however often it comes: nothing is stored, so it needs no limit of its own.
  socket.on('visit:input', () => d.tracker.humanInput(visit));
  // The file token lives a few minutes and is renewed at half its life while the socket holds the visit.
  const fileToken = () => {
    const ttl = d.access.fileTokenTtlMs;
    return {
      fileToken: d.access.passes.sealFile(visit.linkId, { visitId: visit.id, expiresAtMs: Date.now() + ttl }),
      expiresInMs: ttl,
    };
  };
  const renew = setInterval(() => socket.emit('visit:file', fileToken()), Math.max(1000, d.access.fileTokenTtlMs / 2));
  socket.on('disconnect', () => {
    clearInterval(renew);
    d.presence.leave(visit.id);
    d.tracker.release(visit, true);
  });

  d.presence.join(visit.senderId, {
    visitId: visit.id,
    documentId: visit.documentId,
    linkId: visit.linkId,
    recipient: visit.recipient,
    page: null,
    pageSince: new Date().toISOString(),
    device: visit.device,
    location: visit.location,
  });
  socket.emit('visit:started', {
    visitId: visit.id,
    documentId: visit.documentId,
    pageCount: visit.pageCount,
    fileSize: socket.data.fileSize,
    watermark: socket.data.watermark,
    ...fileToken(),
  });
}

/** Revocation and deletion end live reading at once. */
export function dropViewers(nsp: ViewerNsp, room: string): void {
  nsp.to(room).emit('link:revoked');
  nsp.in(room).disconnectSockets(true);
}
