// Small helpers shared by the benchmarks: percentiles, CPU use over an interval, number formatting.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `values` (which it sorts in place). */
export function summarize(values: number[]): Summary {
  values.sort((a, b) => a - b);
  const at = (p: number) =>
    values.length ? values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]! : NaN;
  return {
    n: values.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: values.length ? values[values.length - 1]! : NaN,
  };
}

/** CPU time this process spent since `start`, as a fraction of one core (1.0 = one core busy all the time). */
export interface CpuMark {
  cpu: NodeJS.CpuUsage;
  wall: number;
}
export const cpuMark = (): CpuMark => ({ cpu: process.cpuUsage(), wall: performance.now() });
export function coresUsed(since: CpuMark): number {
  const d = process.cpuUsage(since.cpu);
  return (d.user + d.system) / 1000 / (performance.now() - since.wall);
}

/** Event-loop delay of this process (how long ready work waited for the loop), reset on each read. */
export function loopDelay(): { read(): { p99Ms: number; maxMs: number } } {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  return {
    read() {
      const r = { p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
      h.reset();
      return r;
    },
  };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : 'n/a');
export const int = (v: number) => Math.round(v).toLocaleString('en-US');
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** A benchmark knob from the environment, or its default. */
export const envNumber = (name: string, dflt: number): number => (process.env[name] ? Number(process.env[name]) : dflt);
