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
  /** What the server ran before the timed requests, to warm its JIT. */
  jitWarmedOn: JitWarmup;
  evicted?: number;
  warm: LatencyStats;
  restored: LatencyStats;
  /** The server's CPU time (user + system) per request, warm and restoring. */
  serverCpuUsPerRequest: { warm: number; restored: number };
  /** A bare `load` on the store from the server process, one at a time (unknown ids). */
  storeLoad?: LatencyStats;
  storeCountsDuringRestores?: StoreCounts;
}

/** Latencies of sequential calls, and the server's CPU time they took in all. */
interface TimedCalls {
  latencies: number[];
  cpuMicros: number;
}

async function sequentialCalls(client: McpHttpClient, sessions: string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const id of sessions) latencies.push(await client.callTool(id));
  return latencies;
}

async function timedCalls(
  client: McpHttpClient,
  server: ServerProcess,
  sessions: string[],
): Promise<TimedCalls> {
  const before = await server.cpuMicros();
  const latencies = await sequentialCalls(client, sessions);
  return { latencies, cpuMicros: (await server.cpuMicros()) - before };
}

/** Server CPU µs per request over several sets of timed calls. */
function cpuPerRequest(...sets: TimedCalls[]): number {
  const calls = sets.reduce((n, set) => n + set.latencies.length, 0);
  return sets.reduce((us, set) => us + set.cpuMicros, 0) / Math.max(1, calls);
}

/** The warm and restoring numbers of a row, from its timed calls. */
async function measured(
  server: ServerProcess,
  warm: TimedCalls[],
  restored: TimedCalls,
): Promise<Pick<RestoreRow, 'warm' | 'restored' | 'serverCpuUsPerRequest' | 'storeLoad'>> {
  const loads = await server.storeLoadLatencies(SETTINGS.restore.sessions);
  return {
    warm: latencyStats(warm.flatMap((set) => set.latencies)),
    restored: latencyStats(restored.latencies),
    serverCpuUsPerRequest: { warm: cpuPerRequest(...warm), restored: cpuPerRequest(restored) },
    storeLoad: loads ? latencyStats(loads) : undefined,
  };
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

/**
 * What warms the server's JIT before the timed requests, on scratch sessions: creating
 * and calling them, and (`restores`) evicting and restoring them too, so that the
 * restore path is compiled as it is in a server that has been running for a while.
 */
export type JitWarmup = 'creates and calls' | 'creates, calls and restores';

async function jitWarmup(
  client: McpHttpClient,
  server: ServerProcess,
  warmup: JitWarmup,
): Promise<void> {
  const scratch = await createSessions(client, 20, 4);
  await pool(SETTINGS.restore.jitWarmupCalls, 4, (i) =>
    client.callTool(scratch[i % scratch.length]),
  );
  if (warmup === 'creates and calls') return;
  for (let done = 0; done < SETTINGS.restore.jitWarmupRestores; done += scratch.length) {
    await server.evict(scratch);
    await sequentialCalls(client, scratch);
  }
}

async function restoreInMemory(): Promise<RestoreRow> {
  const jitWarmedOn: JitWarmup = 'creates, calls and restores';
  const server = await ServerProcess.start(
    { kind: 'module', json: false, store: 'memory' },
    profileArgs('module', 'restore-memory'),
  );
  const client = new McpHttpClient(server.port, 4);
  try {
    await jitWarmup(client, server, jitWarmedOn);
    const sessions = await createSessions(client, SETTINGS.restore.sessions, 4);
    await sequentialCalls(client, sessions);
    const warmBefore = await timedCalls(client, server, sessions);
    const evicted = await server.evict(sessions);
    await server.storeCounts(true);
    const restored = await timedCalls(client, server, sessions);
    const counts = await server.storeCounts(true);
    const warmAfter = await timedCalls(client, server, sessions);
    return {
      store: 'memory',
      how: 'same process; sessions evicted from memory (records stay in the in-memory store)',
      jitWarmedOn,
      evicted,
      ...(await measured(server, [warmBefore, warmAfter], restored)),
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

/** The store of each Redis row, as the restore table names it. */
export const REDIS_ROWS = {
  redis: 'redis',
  'cache-manager-redis': 'redis, README setup (CacheManagerSessionStore + @keyv/redis)',
} as const;

async function restoreRedis(
  jitWarmedOn: JitWarmup,
  store: keyof typeof REDIS_ROWS = 'redis',
): Promise<RestoreRow> {
  const config: ServerConfig = {
    kind: 'module',
    json: false,
    store,
    redisNamespace: redisNamespace('restore'),
  };
  const sessions = await sessionsOfAnotherProcess(config);
  const second = await ServerProcess.start(config, profileArgs('module', `restore-${store}`));
  const client = new McpHttpClient(second.port, 4);
  try {
    await jitWarmup(client, second, jitWarmedOn);
    await second.storeCounts(true);
    const restored = await timedCalls(client, second, sessions);
    const counts = await second.storeCounts(true);
    const warm = [
      await timedCalls(client, second, sessions),
      await timedCalls(client, second, sessions),
    ];
    return {
      store: REDIS_ROWS[store],
      how: 'sessions created by one process, which then exited; first requests served by a new process (JIT warmed on other sessions)',
      jitWarmedOn,
      ...(await measured(second, warm, restored)),
      storeCountsDuringRestores: counts,
    };
  } finally {
    client.close();
    await second.stop();
  }
}

/**
 * The in-memory store's row, then the bench's Redis store twice: in a new process whose
 * JIT has also run restores (the target's row), and in one that has only created and
 * called sessions, as right after a deploy; then the README's setup on the same Redis,
 * JIT warmed as for the target. Redis failures are added to `skipped`.
 */
export async function restoreScenario(skipped: Skipped[]): Promise<RestoreRow[]> {
  const rows = [await restoreInMemory()];
  try {
    rows.push(await restoreRedis('creates, calls and restores'));
    rows.push(await restoreRedis('creates and calls'));
    rows.push(await restoreRedis('creates, calls and restores', 'cache-manager-redis'));
  } catch (error) {
    skipped.push({ scenario: 'restore redis', reason: String(error) });
  }
  return rows;
}
