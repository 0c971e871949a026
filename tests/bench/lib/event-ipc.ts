// Messages between event-pipeline.bench.ts and the processes it forks (one server, one client load).

/** The real app on SQLite (the embedded default, synchronous=NORMAL; pagetrail-full: synchronous=FULL) or on
 * PostgreSQL, or the bare relay; pagetrail-2: two instances sharing one database and Redis (BENCH_SCALE_OUT=1
 * compares it with one instance). */
export type Target = 'pagetrail' | 'pagetrail-full' | 'pagetrail-pg' | 'relay' | 'pagetrail-2';

export type ServerMsg =
  | { type: 'ready'; url: string; viewerToken: string; feedToken: string }
  | {
      type: 'stats';
      cores: number;
      loopP99Ms: number;
      loopMaxMs: number;
      storedPageViews: number | null;
      /** process.memoryUsage() of the server: resident set and V8 heap in use (bytes). */
      rss: number;
      heapUsed: number;
    };

export type ServerCmd = { type: 'mark' } | { type: 'stats' } | { type: 'close' };

export type Phase =
  /** Open loop: `rate` events/s spread round-robin over the viewer sockets, whatever the replies do. */
  | { mode: 'rate'; rate: number; warmupMs: number; durationMs: number }
  /** Closed loop: each viewer socket keeps `inflight` events unacknowledged (the most the server will take). */
  | { mode: 'max'; inflight: number; warmupMs: number; durationMs: number };

export type ClientCmd =
  | {
      type: 'connect';
      url: string;
      /** Viewer sockets go round-robin over these (default: url). */
      viewerUrls?: string[];
      viewerToken: string;
      feedToken: string;
      viewers: number;
      concurrency: number;
    }
  | { type: 'run'; phase: Phase }
  | { type: 'close' };

export interface PhaseResult {
  /** Events emitted per second over the measured window. */
  sentPerSec: number;
  /** page_view events received on the feed per second over the measured window. */
  feedPerSec: number;
  ackPerSec: number;
  /** Viewer emit -> feed receipt, events emitted in the measured window. */
  latency: { n: number; p50: number; p90: number; p99: number; max: number };
  /** Viewer emit -> ack. */
  ack: { n: number; p50: number; p90: number; p99: number; max: number };
  errors: Record<string, number>;
  /** Events acknowledged as stored since the load process started (all phases), to compare with the rows stored. */
  ackedTotal: number;
  /** Emitted (whole phase) but never acknowledged / never seen on the feed within the drain time. */
  unacked: number;
  unseen: number;
  presenceUpdates: number;
  clientCores: number;
  clientLoopP99Ms: number;
}

export type ClientMsg =
  | { type: 'connected'; ms: number; viewers: number; failed: Record<string, number> }
  | { type: 'result'; result: PhaseResult }
  | { type: 'error'; message: string };
