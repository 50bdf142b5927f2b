/** Restore cost: the first request on a session that is stored but not live, vs warm ones. */
import { McpHttpClient, pool } from '../client.js';
import { ServerProcess } from '../child-process.js';
import type { ServerConfig, StoreCounts } from '../common.js';
import { percentile } from '../report.js';
import { SETTINGS, profileArgs, redisNamespace } from '../settings.js';
import { createSessions, type Skipped } from './shared.js';

/** Client-side latencies (ms) of a set of requests. */
export interface LatencyStats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** Warm and restoring latencies with one store. */
export interface RestoreRow {
  store: string;
  how: string;
  evicted?: number;
  warm: LatencyStats;
  restored: LatencyStats;
  storeCountsDuringRestores?: StoreCounts;
}

async function sequentialCalls(client: McpHttpClient, sessions: string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const id of sessions) latencies.push(await client.callTool(id));
  return latencies;
}

function latencyStats(values: number[]): LatencyStats {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
  };
}

/** Warms the server's JIT on scratch sessions, so that restores are not timed cold. */
async function jitWarmup(client: McpHttpClient): Promise<void> {
  const scratch = await createSessions(client, 20, 4);
  await pool(SETTINGS.restore.jitWarmupCalls, 4, (i) =>
    client.callTool(scratch[i % scratch.length]),
  );
}

async function restoreInMemory(): Promise<RestoreRow> {
  const server = await ServerProcess.start(
    { kind: 'module', json: false, store: 'memory' },
    profileArgs('module', 'restore-memory'),
  );
  const client = new McpHttpClient(server.port, 4);
  try {
    await jitWarmup(client);
    const sessions = await createSessions(client, SETTINGS.restore.sessions, 4);
    await sequentialCalls(client, sessions);
    const warmBefore = await sequentialCalls(client, sessions);
    const evicted = await server.evict(sessions);
    await server.storeCounts(true);
    const restored = await sequentialCalls(client, sessions);
    const counts = await server.storeCounts(true);
    const warmAfter = await sequentialCalls(client, sessions);
    return {
      store: 'memory',
      how: 'same process; sessions evicted from memory (records stay in the in-memory store)',
      evicted,
      warm: latencyStats([...warmBefore, ...warmAfter]),
      restored: latencyStats(restored),
      storeCountsDuringRestores: counts,
    };
  } finally {
    client.close();
    await server.stop();
  }
}

/** Creates the sessions in a server process that then exits; resolves to their ids. */
async function sessionsOfAnotherProcess(config: ServerConfig): Promise<string[]> {
  const first = await ServerProcess.start(config);
  const client = new McpHttpClient(first.port, 4);
  try {
    return await createSessions(client, SETTINGS.restore.sessions, 4);
  } finally {
    client.close();
    await first.stop();
  }
}

async function restoreRedis(): Promise<RestoreRow> {
  const config: ServerConfig = {
    kind: 'module',
    json: false,
    store: 'redis',
    redisNamespace: redisNamespace('restore'),
  };
  const sessions = await sessionsOfAnotherProcess(config);
  const second = await ServerProcess.start(config, profileArgs('module', 'restore-redis'));
  const client = new McpHttpClient(second.port, 4);
  try {
    await jitWarmup(client);
    await second.storeCounts(true);
    const restored = await sequentialCalls(client, sessions);
    const counts = await second.storeCounts(true);
    const warm = [
      ...(await sequentialCalls(client, sessions)),
      ...(await sequentialCalls(client, sessions)),
    ];
    return {
      store: 'redis',
      how: 'sessions created by one process, which then exited; first requests served by a new process (JIT warmed on other sessions)',
      warm: latencyStats(warm),
      restored: latencyStats(restored),
      storeCountsDuringRestores: counts,
    };
  } finally {
    client.close();
    await second.stop();
  }
}

/** The in-memory store's row, then Redis's (added to `skipped` when Redis fails). */
export async function restoreScenario(skipped: Skipped[]): Promise<RestoreRow[]> {
  const rows = [await restoreInMemory()];
  try {
    rows.push(await restoreRedis());
  } catch (error) {
    skipped.push({ scenario: 'restore redis', reason: String(error) });
  }
  return rows;
}
