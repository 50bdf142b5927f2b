/**
 * `npm run bench`: every scenario side by side in one run, on this machine, with the
 * servers in their own processes and the load generated here (loopback only, every loop
 * bounded). `npm run bench:smoke` runs the same code with tiny amounts and no targets.
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_ONLY=warm,create,...
 * to run some scenarios, BENCH_CPU_PROF=<server kind> to write CPU profiles of that
 * server's warm runs into bench/profiles/.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, release, platform, arch } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';
import { performance } from 'node:perf_hooks';
import { McpHttpClient, initializeParams, pool } from './client.js';
import { ServerProcess } from './child-process.js';
import {
  MCP_PATH,
  PROTOCOL_VERSION,
  TOOL_NAME,
  TOOL_TEXT,
  type ServerConfig,
  type ServerKind,
  type StoreCounts,
} from './common.js';
import { formatTable, mb, ms, percentile, ratio } from './report.js';
import { KeyvRedisSessionStore, redisUrl } from './stores.js';

const SMOKE = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const PROFILE_KIND = process.env.BENCH_CPU_PROF as ServerKind | undefined;
const BENCH_DIR = fileURLToPath(new URL('../../../bench/', import.meta.url));

/** How the 100k-session server runs: where its records live, and Node's flags. */
type TargetVariant = { store: 'memory' | 'redis'; nodeFlags: string[] };
const variantLabel = (v: TargetVariant) =>
  `${v.nodeFlags.join(' ') || 'default'}, ${v.store} store`;

const SETTINGS = SMOKE
  ? {
      warm: { sessions: 10, connections: 10, rounds: 1, warmupAmount: 100, amount: 300 },
      create: { connections: 10, rounds: 1, amount: 300 },
      restore: { sessions: 20, jitWarmupCalls: 50 },
      memory: { sessions: 200 },
      target: {
        sessions: 2_000,
        maxLiveSessions: 100,
        samples: 50,
        rssLimitMb: 256,
        variants: [{ store: 'memory', nodeFlags: [] }] as TargetVariant[],
      },
    }
  : {
      warm: { sessions: 100, connections: 50, rounds: 3, warmupSeconds: 2, seconds: 8 },
      create: { connections: 20, rounds: 3, warmupSeconds: 2, seconds: 6 },
      restore: { sessions: 300, jitWarmupCalls: 2_000 },
      memory: { sessions: 5_000 },
      target: {
        sessions: 100_000,
        maxLiveSessions: 1_000,
        samples: 500,
        rssLimitMb: 256,
        variants: [
          { store: 'memory', nodeFlags: [] },
          { store: 'memory', nodeFlags: ['--max-old-space-size=192'] },
          { store: 'redis', nodeFlags: [] },
          { store: 'redis', nodeFlags: ['--max-old-space-size=192'] },
        ] as TargetVariant[],
      },
    };

const KIND_LABEL: Record<ServerKind, string> = {
  module: '(a) nestjs-resumable-mcp',
  'sdk-express': '(b) sdk 1.32 + express',
  'mcp-nest': '(c) @rekog/mcp-nest 2.0',
  ceiling: '(d) plain node:http (ceiling)',
};

const wanted = (scenario: string) => ONLY.size === 0 || ONLY.has(scenario);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

const results: Record<string, unknown> = {};
const skipped: Array<{ scenario: string; reason: string }> = [];

function machine() {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryTotalGiB: +(totalmem() / 2 ** 30).toFixed(1),
    memoryFreeGiBAtStart: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

async function createSessions(client: McpHttpClient, count: number, concurrency: number) {
  return pool(count, concurrency, () => client.createSession());
}

// ---------------------------------------------------------------- warm tools/call

interface WarmRow {
  server: ServerKind;
  label: string;
  mode: 'sse' | 'json';
  store?: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  storeRoundTripsPerRequest?: number;
  rounds: unknown[];
}

let rpcId = 0;
function toolCallLoad(port: number, sessions: string[], connections: number) {
  let turn = 0;
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL_VERSION,
  };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: MCP_PATH,
        setupRequest: (request: object) => ({
          ...request,
          method: 'POST',
          path: MCP_PATH,
          headers: { ...headers, 'mcp-session-id': sessions[turn++ % sessions.length] },
          body: `{"jsonrpc":"2.0","id":${++rpcId},"method":"tools/call","params":{"name":"${TOOL_NAME}","arguments":{"text":"${TOOL_TEXT}"}}}`,
        }),
      },
    ],
  };
}

/** Runs autocannon and times it here (its own duration is rounded to whole seconds). */
async function measure(options: AutocannonOptions) {
  const started = performance.now();
  const result = await autocannon(options);
  return summarize(result, (performance.now() - started) / 1000);
}

function summarize(result: AutocannonResult, seconds: number) {
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

interface WarmTarget {
  kind: ServerKind;
  json: boolean;
  store?: 'memory' | 'redis';
  server: ServerProcess;
  load: ReturnType<typeof toolCallLoad>;
  runs: Array<ReturnType<typeof summarize> & { trips?: number; counts?: StoreCounts }>;
}

const median = (values: number[]) => percentile(values, 50);

/** `--cpu-prof` flags when BENCH_CPU_PROF names this server kind. */
function profileArgs(kind: ServerKind, scenario: string): string[] {
  if (PROFILE_KIND !== kind) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${BENCH_DIR}profiles`,
    `--cpu-prof-name=${kind}-${scenario}-${process.pid}.cpuprofile`,
  ];
}

async function startWarmTarget(
  kind: ServerKind,
  json: boolean,
  store?: 'memory' | 'redis',
): Promise<WarmTarget> {
  const config: ServerConfig = { kind, json, store, redisNamespace: `bench-warm-${runId}` };
  const server = await ServerProcess.start(
    config,
    profileArgs(kind, `warm-${json ? 'json' : 'sse'}-${store ?? 'default'}`),
  );
  const client = new McpHttpClient(server.port);
  try {
    const sessions = await createSessions(client, SETTINGS.warm.sessions, 10);
    for (const id of sessions) await client.callTool(id); // every session answers the tool
    return {
      kind,
      json,
      store,
      server,
      load: toolCallLoad(server.port, sessions, SETTINGS.warm.connections),
      runs: [],
    };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    client.close();
  }
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
  const summary = await measure(
    'amount' in s ? { ...load, amount: s.amount } : { ...load, duration: s.seconds },
  );
  const counts = await server.storeCounts(false);
  const trips = counts ? counts.load + counts.loadMany + counts.save + counts.delete : undefined;
  target.runs.push({ ...summary, trips, counts });
  log(
    `warm ${target.kind} ${target.json ? 'json' : 'sse'}${target.store ? ` ${target.store}` : ''}: ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms, errors ${summary.errors}, non2xx ${summary.non2xx}${trips === undefined ? '' : `, store trips ${trips}`}`,
  );
}

/**
 * Every server (and mode) runs in its own process, all started up front; then each round
 * loads them one after the other, in an order that rotates between rounds. A row reports
 * the median of its rounds, so background noise hits all servers alike.
 */
async function warmScenario(): Promise<WarmRow[]> {
  const plan: Array<[ServerKind, boolean, ('memory' | 'redis')?]> = [];
  for (const json of [false, true]) {
    for (const kind of ['ceiling', 'sdk-express', 'module', 'mcp-nest'] as ServerKind[]) {
      plan.push([kind, json, kind === 'module' ? 'memory' : undefined]);
    }
  }
  plan.push(['module', false, 'redis']);
  const targets: WarmTarget[] = [];
  try {
    for (const [kind, json, store] of plan) {
      try {
        targets.push(await startWarmTarget(kind, json, store));
      } catch (error) {
        const name = `warm ${kind} ${json ? 'json' : 'sse'}${store ? ` ${store}` : ''}`;
        skipped.push({ scenario: name, reason: String(error) });
        log(`${name} failed: ${String(error)}`);
      }
    }
    for (let round = 0; round < SETTINGS.warm.rounds; round++) {
      const shift = (round * 3) % Math.max(1, targets.length);
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      for (const target of order) await warmRound(target);
    }
  } finally {
    await Promise.all(targets.map((t) => t.server.stop()));
  }
  return targets.map((t) => {
    const requests = t.runs.reduce((sum, r) => sum + r.requests, 0);
    const trips = t.runs.every((r) => r.trips !== undefined)
      ? t.runs.reduce((sum, r) => sum + (r.trips ?? 0), 0)
      : undefined;
    return {
      server: t.kind,
      label: KIND_LABEL[t.kind],
      mode: t.json ? 'json' : 'sse',
      store: t.store,
      rps: median(t.runs.map((r) => r.rps)),
      p50: median(t.runs.map((r) => r.p50)),
      p99: median(t.runs.map((r) => r.p99)),
      requests,
      errors: t.runs.reduce((sum, r) => sum + r.errors, 0),
      non2xx: t.runs.reduce((sum, r) => sum + r.non2xx, 0),
      storeRoundTripsPerRequest: trips === undefined ? undefined : trips / Math.max(1, requests),
      rounds: t.runs,
    };
  });
}

// ---------------------------------------------------------------- session creation

async function createRun(kind: ServerKind) {
  const server = await ServerProcess.start({ kind, json: false }, profileArgs(kind, 'create'));
  try {
    const initBody = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: initializeParams(),
    });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const load = {
      url: `http://127.0.0.1:${server.port}`,
      connections: SETTINGS.create.connections,
      pipelining: 1,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: MCP_PATH,
          headers,
          body: initBody,
          onResponse: (
            _status: number,
            _body: string,
            context: Record<string, unknown>,
            responseHeaders: Record<string, string>,
          ) => {
            context.sessionId =
              responseHeaders['mcp-session-id'] ?? responseHeaders['Mcp-Session-Id'];
          },
        },
        {
          method: 'POST',
          path: MCP_PATH,
          setupRequest: (request: object, context: Record<string, unknown>) => ({
            ...request,
            method: 'POST',
            path: MCP_PATH,
            headers: {
              ...headers,
              'mcp-session-id': String(context.sessionId),
              'mcp-protocol-version': PROTOCOL_VERSION,
            },
            body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
          }),
        },
      ],
    };
    const s = SETTINGS.create;
    await autocannon(
      'amount' in s ? { ...load, amount: 40 } : { ...load, duration: s.warmupSeconds },
    );
    const summary = await measure(
      'amount' in s ? { ...load, amount: s.amount } : { ...load, duration: s.seconds },
    );
    const row = {
      server: kind,
      label: KIND_LABEL[kind],
      sessionsPerSecond: summary.rps / 2,
      requestsPerSecond: summary.rps,
      p50: summary.p50,
      p99: summary.p99,
      requests: summary.requests,
      errors: summary.errors,
      non2xx: summary.non2xx,
    };
    log(`create ${kind}: ${row.sessionsPerSecond.toFixed(0)} sessions/s, non2xx ${row.non2xx}`);
    return row;
  } finally {
    await server.stop();
  }
}

/** Rounds alternate between the servers (a fresh process each); rows report medians. */
async function createScenario() {
  const kinds: ServerKind[] = ['module', 'sdk-express'];
  const runs = new Map<ServerKind, Array<Awaited<ReturnType<typeof createRun>>>>();
  for (let round = 0; round < SETTINGS.create.rounds; round++) {
    for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
      runs.set(kind, [...(runs.get(kind) ?? []), await createRun(kind)]);
    }
  }
  return kinds.map((kind) => {
    const rows = runs.get(kind) ?? [];
    return {
      ...rows[0],
      sessionsPerSecond: median(rows.map((r) => r.sessionsPerSecond)),
      requestsPerSecond: median(rows.map((r) => r.requestsPerSecond)),
      p50: median(rows.map((r) => r.p50)),
      p99: median(rows.map((r) => r.p99)),
      requests: rows.reduce((sum, r) => sum + r.requests, 0),
      errors: rows.reduce((sum, r) => sum + r.errors, 0),
      non2xx: rows.reduce((sum, r) => sum + r.non2xx, 0),
      rounds: rows.map((r) => r.sessionsPerSecond),
    };
  });
}

// ---------------------------------------------------------------- restore cost

async function sequentialCalls(client: McpHttpClient, sessions: string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const id of sessions) latencies.push(await client.callTool(id));
  return latencies;
}

function latencyStats(values: number[]) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
  };
}

async function jitWarmup(client: McpHttpClient) {
  const scratch = await createSessions(client, 20, 4);
  await pool(SETTINGS.restore.jitWarmupCalls, 4, (i) =>
    client.callTool(scratch[i % scratch.length]),
  );
}

interface RestoreRow {
  store: string;
  how: string;
  evicted?: number;
  warm: ReturnType<typeof latencyStats>;
  restored: ReturnType<typeof latencyStats>;
  storeCountsDuringRestores?: { load: number; loadMany: number; save: number; delete: number };
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

async function restoreRedis(): Promise<RestoreRow> {
  const namespace = `bench-restore-${runId}`;
  const config: ServerConfig = {
    kind: 'module',
    json: false,
    store: 'redis',
    redisNamespace: namespace,
  };
  const first = await ServerProcess.start(config);
  const firstClient = new McpHttpClient(first.port, 4);
  let sessions: string[];
  try {
    sessions = await createSessions(firstClient, SETTINGS.restore.sessions, 4);
  } finally {
    firstClient.close();
    await first.stop();
  }
  // A new process: none of the stored sessions is live in it.
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

// ---------------------------------------------------------------- memory per session

async function memoryRun(kind: ServerKind) {
  const server = await ServerProcess.start({ kind, json: false, store: 'memory' }, ['--expose-gc']);
  const client = new McpHttpClient(server.port, 16);
  try {
    const n = SETTINGS.memory.sessions;
    const warmup = await createSessions(client, 20, 4);
    for (const id of warmup) await client.callTool(id);
    const before = await server.memory(true);
    const started = Date.now();
    await createSessions(client, n, 16);
    const seconds = (Date.now() - started) / 1000;
    const after = await server.memory(true);
    const live = await server.liveCount();
    const row = {
      server: kind,
      label: KIND_LABEL[kind],
      sessions: n,
      liveSessions: live ?? n,
      before,
      after,
      rssPerSessionKiB: (after.rss - before.rss) / n / 1024,
      heapPerSessionKiB: (after.heapUsed - before.heapUsed) / n / 1024,
      creationSeconds: seconds,
    };
    log(
      `memory ${kind}: ${n} sessions, rss ${mb(after.rss)} MB (+${row.rssPerSessionKiB.toFixed(1)} KiB/session), heap ${mb(after.heapUsed)} MB (+${row.heapPerSessionKiB.toFixed(1)} KiB/session)`,
    );
    return row;
  } finally {
    client.close();
    await server.stop();
  }
}

// ---------------------------------------------------------------- many sessions, few live

/**
 * Runs with Node's default flags, and again with the old generation capped the way a
 * 256 MB container would be run (75%), since by default V8 sizes its heap from the
 * machine's memory (24 GiB here), not from the process's live data.
 */
async function targetScenario() {
  const rows: TargetRow[] = [];
  for (const variant of SETTINGS.target.variants) {
    try {
      rows.push(await targetRun(variant));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const flags = variantLabel(variant);
      targetFailures.push({ nodeFlags: flags, reason });
      log(`target (${flags}) failed: ${reason}`);
    }
  }
  return rows;
}

type TargetRow = Awaited<ReturnType<typeof targetRun>>;

/** Variants whose server died or failed (e.g. out of heap), with how far they got. */
const targetFailures: Array<{ nodeFlags: string; reason: string }> = [];

async function targetRun(variant: TargetVariant) {
  const { nodeFlags } = variant;
  const s = SETTINGS.target;
  const server = await ServerProcess.start(
    {
      kind: 'module',
      json: false,
      store: variant.store,
      moduleOptions: { maxLiveSessions: s.maxLiveSessions },
      trackPeakRss: true,
    },
    ['--expose-gc', ...nodeFlags],
  );
  const client = new McpHttpClient(server.port, 32);
  // The kernel's high-water mark of the server's RSS, read from here so that it
  // survives the server dying.
  let kernelPeakRss = 0;
  const watch = setInterval(() => {
    kernelPeakRss = Math.max(kernelPeakRss, readVmHwm(server.pid));
  }, 250);
  let created = 0;
  try {
    const started = Date.now();
    const sessions = await pool(s.sessions, 32, async () => {
      const id = await client.createSession().catch((error: unknown) => {
        throw new Error(
          `server failed after ${created} sessions (peak RSS ${mb(kernelPeakRss)} MB${server.exited ? ', server process died' : ''}): ${String(error)}`,
        );
      });
      created++;
      return id;
    });
    const creationSeconds = (Date.now() - started) / 1000;
    const liveAfterCreate = await server.liveCount();
    const peakAfterCreate = await server.peakRss();
    const picked = new Set<number>();
    while (picked.size < Math.min(s.samples, sessions.length))
      picked.add(randomInt(sessions.length));
    const sample = [...picked].map((i) => sessions[i]);
    await server.storeCounts(true);
    const outcomes = await pool(sample.length, 8, async (i) => {
      try {
        await client.callTool(sample[i]);
        return true;
      } catch {
        return false;
      }
    });
    const counts = await server.storeCounts(false);
    const resumable = outcomes.filter(Boolean).length;
    const peakRss = await server.peakRss();
    const afterGc = await server.memory(true);
    const row = {
      nodeFlags: variantLabel(variant),
      sessions: s.sessions,
      maxLiveSessions: s.maxLiveSessions,
      creationSeconds,
      sessionsPerSecond: s.sessions / creationSeconds,
      liveAfterCreate,
      liveAfterSample: await server.liveCount(),
      peakRssMb: Math.max(peakRss, readVmHwm(server.pid)) / 2 ** 20,
      peakRssAfterCreateMb: peakAfterCreate / 2 ** 20,
      rssAfterGcMb: afterGc.rss / 2 ** 20,
      heapUsedAfterGcMb: afterGc.heapUsed / 2 ** 20,
      sampled: sample.length,
      resumable,
      storeCountsDuringSample: counts,
    };
    log(
      `target (${row.nodeFlags}): ${s.sessions} sessions, peak rss ${row.peakRssMb.toFixed(0)} MB, live ${row.liveAfterCreate}, ${resumable}/${sample.length} resumable`,
    );
    return row;
  } finally {
    clearInterval(watch);
    client.close();
    await server.stop();
  }
}

/** VmHWM (peak resident set) of a process in bytes, 0 when it cannot be read. */
function readVmHwm(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- main

const runId = randomBytes(4).toString('hex');

async function section<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  if (!wanted(name)) return undefined;
  const started = Date.now();
  log(`${name}...`);
  try {
    const value = await work();
    results[name] = value;
    return value;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    skipped.push({ scenario: name, reason });
    log(`${name} failed: ${reason}`);
    return undefined;
  } finally {
    log(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main() {
  const startedAt = new Date();
  const host = machine();
  log(
    `${SMOKE ? 'smoke run' : 'full run'} on ${host.cores} x ${host.cpuModel}, ${host.memoryTotalGiB} GiB, node ${host.node}`,
  );

  const warm = await section('warm', warmScenario);
  const create = await section('create', createScenario);
  const restore = await section('restore', async () => {
    const rows = [await restoreInMemory()];
    try {
      rows.push(await restoreRedis());
    } catch (error) {
      skipped.push({ scenario: 'restore redis', reason: String(error) });
    }
    return rows;
  });
  const memory = await section('memory', async () => [
    await memoryRun('module'),
    await memoryRun('sdk-express'),
  ]);
  const target = await section('target', targetScenario);

  // Redis keys of this run (the warm and restore namespaces) go away with it.
  for (const namespace of [`bench-warm-${runId}`, `bench-restore-${runId}`]) {
    const store = new KeyvRedisSessionStore(redisUrl(), namespace);
    await store.clear().catch(() => undefined);
    await store.disconnect().catch(() => undefined);
  }

  const targets = SMOKE ? [] : evaluateTargets(warm, restore, target);
  const output = {
    kind: SMOKE ? 'smoke' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: host,
    settings: SETTINGS,
    results,
    targets,
    targetFailures,
    skipped,
  };
  const outFile = SMOKE
    ? fileURLToPath(new URL('../results.smoke.json', import.meta.url))
    : `${BENCH_DIR}results.json`;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`);

  printTables(host, warm, create, restore, memory, target, targets);
  log(`results written to ${outFile}`);
  if (skipped.length) log(`skipped or failed: ${skipped.map((s) => s.scenario).join(', ')}`);
  if (SMOKE && skipped.length) process.exitCode = 1;
}

type Warm = WarmRow[] | undefined;
type Restore = RestoreRow[] | undefined;
type Target = TargetRow[] | undefined;

function evaluateTargets(warm: Warm, restore: Restore, target: Target) {
  const targets: Array<{ target: string; measured: string; met: boolean | null }> = [];
  const rps = (kind: ServerKind, mode: 'sse' | 'json') =>
    warm?.find((r) => r.server === kind && r.mode === mode && (r.store ?? 'memory') === 'memory')
      ?.rps;
  for (const mode of ['sse', 'json'] as const) {
    const a = rps('module', mode);
    const b = rps('sdk-express', mode);
    const c = rps('mcp-nest', mode);
    targets.push({
      target: `warm ${mode}: (a) >= 0.9x (b)`,
      measured: a && b ? `${ratio(a, b)}x` : 'not measured',
      met: a && b ? a / b >= 0.9 : null,
    });
    targets.push({
      target: `warm ${mode}: (a) >= 1.0x (c)`,
      measured: a && c ? `${ratio(a, c)}x` : 'not measured',
      met: a && c ? a / c >= 1.0 : null,
    });
  }
  const redis = restore?.find((r) => r.store === 'redis');
  targets.push({
    target: 'restore adds <= 1 ms at p50 over warm (Redis on loopback)',
    measured: redis ? `+${ms(redis.restored.p50 - redis.warm.p50)} ms` : 'not measured',
    met: redis ? redis.restored.p50 - redis.warm.p50 <= 1 : null,
  });
  const trips = warm?.filter((r) => r.storeRoundTripsPerRequest !== undefined) ?? [];
  const worst = Math.max(...trips.map((r) => r.storeRoundTripsPerRequest ?? 0));
  targets.push({
    target: 'warm requests make < 0.01 store round trips each',
    measured: trips.length ? `${worst.toFixed(5)} (worst of ${trips.length} runs)` : 'not measured',
    met: trips.length ? worst < 0.01 : null,
  });
  for (const row of target ?? []) {
    targets.push({
      target: `100,000 sessions, maxLiveSessions 1,000 (node ${row.nodeFlags}): RSS < 256 MB and every sampled session resumable`,
      measured: `peak RSS ${row.peakRssMb.toFixed(0)} MB, ${row.resumable}/${row.sampled} resumable, live ${row.liveAfterCreate}`,
      met: row.peakRssMb < SETTINGS.target.rssLimitMb && row.resumable === row.sampled,
    });
  }
  for (const failure of targetFailures) {
    targets.push({
      target: `100,000 sessions, maxLiveSessions 1,000 (node ${failure.nodeFlags}): RSS < 256 MB and every sampled session resumable`,
      measured: failure.reason.slice(0, 160),
      met: false,
    });
  }
  if (!target?.length && !targetFailures.length) {
    targets.push({
      target:
        '100,000 sessions, maxLiveSessions 1,000: RSS < 256 MB and every sampled session resumable',
      measured: 'not measured',
      met: null,
    });
  }
  return targets;
}

function printTables(
  host: ReturnType<typeof machine>,
  warm: Warm,
  create: Awaited<ReturnType<typeof createScenario>> | undefined,
  restore: Restore,
  memory: Awaited<ReturnType<typeof memoryRun>>[] | undefined,
  target: Target,
  targets: ReturnType<typeof evaluateTargets>,
) {
  const out: string[] = [];
  out.push(
    `Machine: ${host.cores} cores, ${host.cpuModel}, ${host.memoryTotalGiB} GiB RAM, Node ${host.node}, ${host.os}`,
  );
  if (warm?.length) {
    out.push(
      '',
      `Warm tools/call (${SETTINGS.warm.sessions} sessions, ${SETTINGS.warm.connections} connections)`,
    );
    const base = (mode: string) =>
      warm.find((r) => r.server === 'sdk-express' && r.mode === mode)?.rps;
    out.push(
      formatTable(
        [
          'server',
          'mode',
          'store',
          'req/s',
          'vs (b)',
          'p50 ms',
          'p99 ms',
          'requests',
          'errors',
          'non-2xx',
          'store trips/req',
        ],
        warm.map((r) => [
          r.label,
          r.mode,
          r.store ?? '-',
          r.rps.toFixed(0),
          base(r.mode) ? `${ratio(r.rps, base(r.mode) as number)}x` : '-',
          String(r.p50),
          String(r.p99),
          String(r.requests),
          String(r.errors),
          String(r.non2xx),
          r.storeRoundTripsPerRequest === undefined ? '-' : r.storeRoundTripsPerRequest.toFixed(5),
        ]),
      ),
    );
  }
  if (create?.length) {
    out.push(
      '',
      `Session creation (initialize + notifications/initialized, ${SETTINGS.create.connections} connections, SSE)`,
    );
    out.push(
      formatTable(
        ['server', 'sessions/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'],
        create.map((r) => [
          r.label,
          r.sessionsPerSecond.toFixed(0),
          String(r.p50),
          String(r.p99),
          String(r.requests),
          String(r.errors),
          String(r.non2xx),
        ]),
      ),
    );
  }
  if (restore?.length) {
    out.push(
      '',
      `Restore cost ((a), ${SETTINGS.restore.sessions} sessions, one request at a time)`,
    );
    out.push(
      formatTable(
        [
          'store',
          'warm p50',
          'warm p99',
          'restored p50',
          'restored p99',
          'added at p50',
          'store calls per restore',
        ],
        restore.map((r) => [
          r.store,
          ms(r.warm.p50),
          ms(r.warm.p99),
          ms(r.restored.p50),
          ms(r.restored.p99),
          `+${ms(r.restored.p50 - r.warm.p50)}`,
          r.storeCountsDuringRestores
            ? (
                (r.storeCountsDuringRestores.load + r.storeCountsDuringRestores.loadMany) /
                r.restored.n
              ).toFixed(2)
            : '-',
        ]),
      ),
    );
  }
  if (memory?.length) {
    out.push('', `Memory after creating ${SETTINGS.memory.sessions} sessions (after gc)`);
    out.push(
      formatTable(
        ['server', 'live', 'RSS MB', 'heap MB', 'RSS KiB/session', 'heap KiB/session'],
        memory.map((r) => [
          r.label,
          String(r.liveSessions),
          mb(r.after.rss),
          mb(r.after.heapUsed),
          r.rssPerSessionKiB.toFixed(1),
          r.heapPerSessionKiB.toFixed(1),
        ]),
      ),
    );
  }
  if (target?.length) {
    out.push(
      '',
      `Many sessions, few live ((a), maxLiveSessions ${SETTINGS.target.maxLiveSessions})`,
    );
    out.push(
      formatTable(
        [
          'node flags',
          'sessions',
          'created/s',
          'live',
          'peak RSS MB',
          'RSS after gc MB',
          'heap after gc MB',
          'resumable',
        ],
        target.map((row) => [
          row.nodeFlags,
          String(row.sessions),
          row.sessionsPerSecond.toFixed(0),
          String(row.liveAfterCreate ?? '-'),
          row.peakRssMb.toFixed(0),
          row.rssAfterGcMb.toFixed(0),
          row.heapUsedAfterGcMb.toFixed(0),
          `${row.resumable}/${row.sampled}`,
        ]),
      ),
    );
  }
  if (targets.length) {
    out.push('', 'Targets');
    out.push(
      formatTable(
        ['target', 'measured', 'met'],
        targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
      ),
    );
  }
  if (skipped.length) {
    out.push('', 'Skipped or failed');
    for (const s of skipped) out.push(`- ${s.scenario}: ${s.reason}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
