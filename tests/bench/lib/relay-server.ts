// The baseline: a bare socket.io relay with the same engine settings as the app. Each page:view is acked and
// relayed to the feed sockets as an event of the app's shape, with no validation, storage or presence. Its feed
// writes are coalesced per turn like the app's (TurnCoalescer): uncoalesced, the load process pays for a read per
// frame and runs out of CPU before the relay does, which would understate the baseline.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as IoServer, type Socket } from 'socket.io';
import { TurnCoalescer } from '../../../server/realtime/coalesce.ts';
import type { ActivityEvent } from '../../../server/realtime/protocol.ts';

export async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const httpServer: HttpServer = createServer();
  const io = new IoServer(httpServer, { maxHttpBufferSize: 16 * 1024, serveClient: false, cors: { origin: false } });
  const feeds = new Set<Socket>();
  const turn = new TurnCoalescer();
  let seq = 0;
  let n = 0;

  io.of('/feed').on('connection', (s) => {
    feeds.add(s);
    s.on('disconnect', () => feeds.delete(s));
  });
  io.of('/viewer').on('connection', (s) => {
    const visitId = `vis_relay${String(++n).padStart(17, '0')}`;
    s.emit('visit:started', { visitId, documentId: 'doc_relay', pageCount: 10 });
    s.on('page:view', (input: { page?: unknown; durationMs?: unknown }, ack: unknown) => {
      if (typeof ack !== 'function') return;
      // Same fields as a stored page_view (device and recipient included), so the frames are the same size.
      const e: ActivityEvent = {
        id: `evt_${String(seq + 1).padStart(22, '0')}`,
        seq: ++seq,
        type: 'page_view',
        at: new Date().toISOString(),
        documentId: 'doc_relay00000000000000000',
        linkId: 'lnk_relay00000000000000000',
        recipient: 'reader@example.org',
        page: Number(input?.page),
        durationMs: Number(input?.durationMs),
        visitId,
        device: { type: 'desktop', os: 'macOS', browser: 'Chrome' },
        automated: false,
        self: false,
      };
      for (const f of feeds) {
        turn.hold(f);
        f.emit('feed:activity', e);
      }
      ack({ data: { seq: e.seq, duplicate: false } });
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await io.close();
      httpServer.closeAllConnections();
    },
  };
}
