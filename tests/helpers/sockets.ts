// Real socket.io clients for tests: a viewer on a link, a sender's feed; helpers to await events.
import { io, type Socket } from 'socket.io-client';
import type {
  ActivityEvent,
  FeedServerEvents,
  Reply,
  ViewerServerEvents,
  VisitInfo,
} from '../../server/realtime/protocol.ts';

export const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

export type ViewerClient = Socket<ViewerServerEvents, Record<string, (...a: never[]) => void>>;
export type FeedClient = Socket<FeedServerEvents, Record<string, never>>;

export function viewer(
  base: string,
  auth: { token: string; visitId?: string; ticket?: string },
  headers: Record<string, string> = {},
): ViewerClient {
  return io(`${base}/viewer`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'user-agent': BROWSER_UA, ...headers },
  }) as unknown as ViewerClient;
}

export function feed(
  base: string,
  auth: { token?: string; after?: number },
  headers: Record<string, string> = {},
): FeedClient {
  return io(`${base}/feed`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  }) as unknown as FeedClient;
}

/** Bounds here are for things that should arrive: generous, since a loaded machine is slow, never a speed check. */
export function once<T>(socket: Socket, event: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (v: T) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

export async function started(v: ViewerClient): Promise<VisitInfo> {
  return once<VisitInfo>(v as unknown as Socket, 'visit:started');
}

/** A live visit of a link, as the reader opens one: its socket and visit:started (with the file token). */
export async function liveVisit(
  base: string,
  auth: { token: string; ticket?: string },
  headers: Record<string, string> = {},
): Promise<{ socket: ViewerClient; info: VisitInfo }> {
  const socket = viewer(base, auth, headers);
  return { socket, info: await started(socket) };
}

/** The header and file token a reader's visit reads the PDF with (`/v/:token/file`); the visit's socket is closed
 * (the token lives on until it expires). */
export async function fileAccess(base: string, token: string): Promise<Record<string, string>> {
  const { socket, info } = await liveVisit(base, { token });
  socket.close();
  return { 'x-pagetrail-file': info.fileToken };
}

export function connectError(s: Socket, timeoutMs = 20_000): Promise<{ message: string; data?: { code: string } }> {
  return once(s, 'connect_error', timeoutMs);
}

export function pageView(v: ViewerClient, input: unknown): Promise<Reply<{ seq: number; duplicate: boolean }>> {
  return (v as unknown as Socket).timeout(20_000).emitWithAck('page:view', input);
}

/** Collects feed:activity events into an array as they come. */
export function collect(f: FeedClient): ActivityEvent[] {
  const got: ActivityEvent[] = [];
  (f as unknown as Socket).on('feed:activity', (e: ActivityEvent) => got.push(e));
  return got;
}
