/** Warm `tools/call`: throughput, latency, store round trips and server CPU per request. */
import autocannon, { type AutocannonOptions } from 'autocannon';
import { McpHttpClient } from '../client.js';
import { ServerProcess } from '../child-process.js';
import {
  MODERN_PROTOCOL_VERSION,
  type ServerConfig,
  type ServerKind,
  type StoreCounts,
} from '../common.js';
import { KIND_LABEL, SETTINGS, log, profileArgs, redisNamespace } from '../settings.js';
import { redisCommandsProcessed } from '../stores.js';
import { checkModernAnswer, modernToolCallLoad, toolCallLoad } from './tool-call.loads.js';
import { createSessions, measure, median, type LoadSummary, type Skipped } from './shared.js';

type Store = 'memory' | 'redis' | 'redis-bus';

/** The measured part of one round on one server. */
export type WarmRound = LoadSummary & {
  trips?: number;
  /** Commands Redis processed during the round (rows on Redis only). */
  redisCommands?: number;
  counts?: StoreCounts;
  cpuMicrosPerRequest: number;
};

/** One server and response mode: medians of its rounds, sums of its counts. */
export interface WarmRow extends LoadSummary {
  server: ServerKind;
  label: string;
  mode: 'sse' | 'json';
  store?: string;
  /** (a) on Nest's own `ExpressAdapter`, for comparison with its default `McpExpressAdapter`. */
  nestExpressAdapter?: boolean;
  /** Served to 2026-07-28 requests (no session), rather than to 2025 sessions. */
  modern?: boolean;
  storeRoundTripsPerRequest?: number;
  /** Commands Redis processed per request, whoever sent them (rows on Redis only). */
  redisCommandsPerRequest?: number;
  cpuUsPerRequest: number;
  rounds: WarmRound[];
}

interface WarmTarget {
  kind: ServerKind;
  json: boolean;
  store?: Store;
  nestExpressAdapter?: boolean;
  modern?: boolean;
  server: ServerProcess;
  load: AutocannonOptions;
  runs: WarmRound[];
}

/**
 * One warm server: kind, response mode, store, for (a) whether on Nest's ExpressAdapter,
 * and whether it is loaded with 2026-07-28 requests.
 */
type WarmPlanItem = [
  kind: ServerKind,
  json: boolean,
  store?: Store,
  nestExpressAdapter?: boolean,
  modern?: boolean,
];

const targetName = (...[kind, json, store, nestExpress, modern]: WarmPlanItem) =>
  `${kind}${nestExpress ? ' (ExpressAdapter)' : ''} ${modern ? MODERN_PROTOCOL_VERSION : json ? 'json' : 'sse'}${store ? ` ${store}` : ''}`;

async function startWarmTarget(...[kind, json, store, nestExpressAdapter, modern]: WarmPlanItem) {
  const config: ServerConfig = {
    kind,
    json,
    store,
    nestExpressAdapter,
    redisNamespace: redisNamespace('warm'),
    moduleOptions: modern ? { protocol: 'dual' } : undefined,
  };
  const server = await ServerProcess.start(
    config,
    profileArgs(
      kind,
      `warm-${json ? 'json' : 'sse'}-${store ?? 'default'}${nestExpressAdapter ? '-nest-express' : ''}`,
    ),
  );
  if (modern) {
    const load = modernToolCallLoad(server.port, SETTINGS.warm.connections);
    try {
      await checkModernAnswer(load);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return { kind, json, store, nestExpressAdapter, modern, server, load, runs: [] } as WarmTarget;
  }
  const client = new McpHttpClient(server.port);
  try {
    const sessions = await createSessions(client, SETTINGS.warm.sessions, 10);
    for (const id of sessions) await client.callTool(id); // every session answers the tool
    const load = toolCallLoad(server.port, sessions, SETTINGS.warm.connections);
    const target: WarmTarget = { kind, json, store, nestExpressAdapter, server, load, runs: [] };
    return target;
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.close();
  }
}

/**
 * Every server in both modes, (a) once more on Nest's own ExpressAdapter (in both modes),
 * once more with the Redis store, and once more with the Redis store and the `redis`
 * option (SSE events in Redis).
 */
function warmPlan(): WarmPlanItem[] {
  const plan: WarmPlanItem[] = [];
  for (const json of [false, true]) {
    for (const kind of ['ceiling', 'sdk-express', 'module', 'mcp-nest'] as ServerKind[]) {
      plan.push([kind, json, kind === 'module' ? 'memory' : undefined]);
    }
    plan.push(['module', json, 'memory', true]);
  }
  plan.push(['module', false, 'redis']);
  // The Redis event store and bus against the in-memory event store, same session store.
  plan.push(['module', false, 'redis-bus']);
  // The 2026-07-28 era: this module's stateless path, and the v2 SDK's own entry.
  plan.push(['module', true, 'memory', false, true]);
  plan.push(['v2-handler', true, undefined, false, true]);
  return plan;
}

/** Starts every planned server; one that fails to start is skipped. */
async function startAll(skipped: Skipped[]): Promise<WarmTarget[]> {
  const targets: WarmTarget[] = [];
  for (const item of warmPlan()) {
    try {
      targets.push(await startWarmTarget(...item));
    } catch (error) {
      const name = `warm ${targetName(...item)}`;
      skipped.push({ scenario: name, reason: String(error) });
      log(`${name} failed: ${String(error)}`);
    }
  }
  return targets;
}

async function warmRound(target: WarmTarget): Promise<void> {
  const s = SETTINGS.warm;
  const { load, server } = target;
  await autocannon(
    'warmupAmount' in s
      ? { ...load, amount: s.warmupAmount }
      : { ...load, duration: s.warmupSeconds },
  );
  await server.storeCounts(true);
  const onRedis = target.store?.startsWith('redis') ?? false;
  const commandsBefore = onRedis ? await redisCommandsProcessed() : 0;
  const cpuBefore = await server.cpuMicros();
  const summary = await measure(
    'amount' in s ? { ...load, amount: s.amount } : { ...load, duration: s.seconds },
  );
  const cpuAfter = await server.cpuMicros();
  const redisCommands = onRedis ? (await redisCommandsProcessed()) - commandsBefore : undefined;
  const counts = await server.storeCounts(false);
  const trips = counts ? counts.load + counts.loadMany + counts.save + counts.delete : undefined;
  const cpuMicrosPerRequest = (cpuAfter - cpuBefore) / Math.max(1, summary.requests);
  target.runs.push({ ...summary, trips, redisCommands, counts, cpuMicrosPerRequest });
  log(
    `warm ${targetName(target.kind, target.json, target.store, target.nestExpressAdapter, target.modern)}: ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms, errors ${summary.errors}, non2xx ${summary.non2xx}${trips === undefined ? '' : `, store trips ${trips}`}${redisCommands === undefined ? '' : `, Redis commands ${redisCommands}`}, server CPU ${cpuMicrosPerRequest.toFixed(0)} µs/req`,
  );
}

function toRow(t: WarmTarget): WarmRow {
  const requests = t.runs.reduce((sum, r) => sum + r.requests, 0);
  const trips = t.runs.every((r) => r.trips !== undefined)
    ? t.runs.reduce((sum, r) => sum + (r.trips ?? 0), 0)
    : undefined;
  return {
    server: t.kind,
    label: `${KIND_LABEL[t.kind]}${t.nestExpressAdapter ? ' on ExpressAdapter' : ''}${t.modern ? `, ${MODERN_PROTOCOL_VERSION}` : ''}`,
    mode: t.json ? 'json' : 'sse',
    modern: t.modern,
    store: t.store,
    nestExpressAdapter: t.nestExpressAdapter,
    rps: median(t.runs.map((r) => r.rps)),
    p50: median(t.runs.map((r) => r.p50)),
    p99: median(t.runs.map((r) => r.p99)),
    requests,
    errors: t.runs.reduce((sum, r) => sum + r.errors, 0),
    non2xx: t.runs.reduce((sum, r) => sum + r.non2xx, 0),
    storeRoundTripsPerRequest: trips === undefined ? undefined : trips / Math.max(1, requests),
    redisCommandsPerRequest: t.runs.every((r) => r.redisCommands !== undefined)
      ? t.runs.reduce((sum, r) => sum + (r.redisCommands ?? 0), 0) / Math.max(1, requests)
      : undefined,
    cpuUsPerRequest: median(t.runs.map((r) => r.cpuMicrosPerRequest)),
    rounds: t.runs,
  };
}

/**
 * Every server (and mode) runs in its own process, all started up front; then each round
 * loads them one after the other, in an order that rotates between rounds. A row reports
 * the median of its rounds, so background noise hits all servers alike. Servers that fail
 * to start are added to `skipped`.
 */
export async function warmScenario(skipped: Skipped[]): Promise<WarmRow[]> {
  const targets = await startAll(skipped);
  try {
    for (let round = 0; round < SETTINGS.warm.rounds; round++) {
      const shift = (round * 3) % Math.max(1, targets.length);
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      for (const target of order) await warmRound(target);
    }
  } finally {
    await Promise.all(targets.map((t) => t.server.stop()));
  }
  return targets.map(toRow);
}
