// Prometheus metrics of one instance (prom-client, a registry per app): requests, conversions, the queue, sockets,
// stored events, mail and webhook deliveries. Counters are fed from the domain bus and the edges; gauges are read when
// /metrics is scraped.
import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'pagetrail_http_requests_total',
    help: 'HTTP requests answered, by method and status class.',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'pagetrail_http_request_duration_seconds',
    help: 'Time to answer an HTTP request.',
    labelNames: ['method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly conversions = new Counter({
    name: 'pagetrail_conversions_total',
    help: 'Documents processed (converted or inspected), by format and outcome.',
    labelNames: ['format', 'status'] as const,
    registers: [this.registry],
  });
  readonly conversionSeconds = new Histogram({
    name: 'pagetrail_conversion_duration_seconds',
    help: 'Time from upload to stored PDF of documents that became ready, by format.',
    labelNames: ['format'] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120],
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: 'pagetrail_events_stored_total',
    help: 'Tracked events stored by this instance (rate() gives events per second), by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly mail = new Counter({
    name: 'pagetrail_mail_deliveries_total',
    help: 'Copies handed to SMTP_UPSTREAM_URL, by outcome (sent, deferred, refused).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhooks = new Counter({
    name: 'pagetrail_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered, pending: to be retried, failed: given up).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(read: { sockets: () => Record<string, number>; queue?: () => Promise<Record<string, number>> }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pagetrail_' });
    new Gauge({
      name: 'pagetrail_sockets',
      help: 'Socket.io connections on this instance, by namespace.',
      labelNames: ['namespace'] as const,
      registers: [this.registry],
      collect() {
        for (const [nsp, n] of Object.entries(read.sockets())) this.set({ namespace: nsp }, n);
      },
    });
    if (read.queue) {
      const counts = read.queue;
      new Gauge({
        name: 'pagetrail_conversion_queue_jobs',
        help: 'Conversion jobs in the shared queue, by state (waiting, delayed, active).',
        labelNames: ['state'] as const,
        registers: [this.registry],
        async collect() {
          for (const [state, n] of Object.entries(await counts())) this.set({ state }, n);
        },
      });
    }
  }

  /** Counts every answered request and its time. */
  http(): RequestHandler {
    return (req, res, next) => {
      const end = this.requestSeconds.startTimer({ method: req.method });
      res.on('finish', () => {
        end();
        this.requests.inc({ method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` });
      });
      next();
    };
  }
}
