/** What several scenarios share: timed load runs, medians, session setup. */
import { performance } from 'node:perf_hooks';
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';
import { pool, type McpHttpClient } from '../client.js';
import { percentile } from '../report.js';

/** A scenario (or part of one) that did not run, and why. */
export interface Skipped {
  scenario: string;
  reason: string;
  /**
   * Skipped because this machine lacks something the scenario needs (e.g. a writable
   * memory cgroup), not because it failed: a smoke run does not fail for it.
   */
  notAvailable?: boolean;
}

/** Throughput and latency of one autocannon run. */
export interface LoadSummary {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon and times it here (its own duration is rounded to whole seconds). */
export async function measure(options: AutocannonOptions): Promise<LoadSummary> {
  const started = performance.now();
  const result = await autocannon(options);
  return summarize(result, (performance.now() - started) / 1000);
}

function summarize(result: AutocannonResult, seconds: number): LoadSummary {
  const completed = result.requests.total;
  return {
    rps: completed / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: completed,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** The median of a sample (nearest rank). */
export const median = (values: number[]): number => percentile(values, 50);

/** Opens `count` sessions, `concurrency` at a time; resolves to their ids. */
export function createSessions(
  client: McpHttpClient,
  count: number,
  concurrency: number,
): Promise<string[]> {
  return pool(count, concurrency, () => client.createSession());
}
