// Feed sockets can be sent thousands of frames a second. Each frame socket.io sends is its own write system call;
// corking the connection's TCP socket until the end of the turn of the event loop sends one turn's frames together.
import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io';

/** The TCP socket under a websocket connection (engine.io transport -> ws -> net); null for HTTP long-polling. */
function tcpOf(socket: Socket): NetSocket | null {
  const transport = socket.conn.transport as unknown as { name?: string; socket?: { _socket?: NetSocket } };
  return transport.name === 'websocket' ? (transport.socket?._socket ?? null) : null;
}

export class TurnCoalescer {
  private readonly corked = new Set<NetSocket>();

  /** Call before emitting to `socket`: its frames are held until the end of this turn, then written at once. */
  hold(socket: Socket): void {
    const tcp = tcpOf(socket);
    if (!tcp || this.corked.has(tcp) || tcp.destroyed) return;
    tcp.cork();
    this.corked.add(tcp);
    if (this.corked.size === 1) setImmediate(() => this.release());
  }

  private release(): void {
    for (const tcp of this.corked) tcp.uncork();
    this.corked.clear();
  }
}
