// GET /metrics for Prometheus, behind a bearer token (METRICS_TOKEN). Unset, the endpoint does not exist (404), so
// an instance never publishes its figures by accident.
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { unauthorized } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const r = Router();
  if (!token) return r;
  r.get('/metrics', async (req, res) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!same(given, token)) throw unauthorized();
    res.set('content-type', metrics.registry.contentType).set('cache-control', 'no-store');
    res.send(await metrics.registry.metrics());
  });
  return r;
}
