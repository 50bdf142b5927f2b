/** The project's performance targets, checked against a full run's results. */
import type { ServerKind } from './common.js';
import { ms, ratio } from './report.js';
import { SETTINGS, type TargetVariant } from './settings.js';
import { REDIS_ROWS, type RestoreRow } from './scenarios/restore.scenario.js';
import type { TargetFailure, TargetNotRun, TargetRow } from './scenarios/target.scenario.js';
import type { WarmRow } from './scenarios/warm.scenario.js';

/** One target, what was measured, and whether it was met (null: not measured). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** What the targets are checked against; a scenario that did not run is undefined. */
export interface TargetInputs {
  warm?: WarmRow[];
  restore?: RestoreRow[];
  target?: TargetRow[];
  targetFailures: TargetFailure[];
  /** Target variants this machine could not run (no memory cgroup). */
  targetNotRun?: TargetNotRun[];
  /** The machine's memory, which sizes V8's heap under default flags. */
  memoryGiB?: number;
}

const SESSIONS_TARGET =
  '100,000 sessions, maxLiveSessions 1,000: RSS < 256 MB and every sampled session resumable';
const sessionsTarget = (label: string) =>
  `100,000 sessions, maxLiveSessions 1,000 (node ${label}): RSS < 256 MB and every sampled session resumable`;

function warmThroughput(warm: WarmRow[] | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const rps = (kind: ServerKind, mode: 'sse' | 'json') =>
    warm?.find(
      (r) =>
        r.server === kind &&
        r.mode === mode &&
        (r.store ?? 'memory') === 'memory' &&
        !r.nestExpressAdapter,
    )?.rps;
  for (const mode of ['sse', 'json'] as const) {
    const a = rps('module', mode);
    const b = rps('sdk-express', mode);
    const c = rps('mcp-nest', mode);
    checks.push({
      target: `warm ${mode}: (a) >= 0.9x (b)`,
      measured: a && b ? `${ratio(a, b)}x` : 'not measured',
      met: a && b ? a / b >= 0.9 : null,
    });
    checks.push({
      target: `warm ${mode}: (a) >= 1.0x (c)`,
      measured: a && c ? `${ratio(a, c)}x` : 'not measured',
      met: a && c ? a / c >= 1.0 : null,
    });
  }
  return checks;
}

/** Warm tools/call with the Redis event store (and bus) at least 0.8x the in-memory one. */
function redisEventStore(warm: WarmRow[] | undefined): TargetCheck {
  const rps = (store: string) =>
    warm?.find((r) => r.server === 'module' && r.mode === 'sse' && r.store === store)?.rps;
  const bus = rps('redis-bus');
  const memory = rps('redis');
  return {
    target: 'warm sse with the Redis event store (redis option) >= 0.8x the in-memory event store',
    measured: bus && memory ? `${ratio(bus, memory)}x` : 'not measured',
    met: bus && memory ? bus / memory >= 0.8 : null,
  };
}

/** Restore adds at most 1 ms at p50 over warm, on `store`'s row whose JIT also ran restores. */
function restoreCost(
  restore: RestoreRow[] | undefined,
  store: keyof typeof REDIS_ROWS,
  target: string,
): TargetCheck {
  const row = restore?.find(
    (r) => r.store === REDIS_ROWS[store] && r.jitWarmedOn === 'creates, calls and restores',
  );
  return {
    target,
    measured: row ? `+${ms(row.restored.p50 - row.warm.p50)} ms` : 'not measured',
    met: row ? row.restored.p50 - row.warm.p50 <= 1 : null,
  };
}

function storeTrips(warm: WarmRow[] | undefined): TargetCheck {
  const trips = warm?.filter((r) => r.storeRoundTripsPerRequest !== undefined) ?? [];
  const worst = Math.max(...trips.map((r) => r.storeRoundTripsPerRequest ?? 0));
  return {
    target: 'warm requests make < 0.01 store round trips each',
    measured: trips.length
      ? `${worst.toFixed(5)} (worst of the ${trips.length} module rows)`
      : 'not measured',
    met: trips.length ? worst < 0.01 : null,
  };
}

/** Where a variant ran, in words: "in a 256 MB cgroup", "with a 192 MB heap cap"... */
function condition(variant: TargetVariant, memoryGiB: number | undefined): string {
  const flags = variant.nodeFlags;
  const heapCap = flags.length === 1 ? /^--max-old-space-size=(\d+)$/.exec(flags[0]) : null;
  if (variant.memoryCgroupMb) {
    return `in a ${variant.memoryCgroupMb} MB cgroup${flags.length ? ` with ${flags.join(' ')}` : ''}`;
  }
  if (heapCap) return `with a ${heapCap[1]} MB heap cap`;
  if (flags.length) return `with ${flags.join(' ')}`;
  return `with default flags${memoryGiB ? ` on a ${memoryGiB} GiB machine` : ''}`;
}

type Outcome = 'met' | 'not met' | 'failed' | 'not run';
type VariantResult = { variant: TargetVariant; outcome: Outcome; detail: string };

const rowMet = (row: TargetRow) =>
  row.peakRssMb < SETTINGS.target.rssLimitMb && row.resumable === row.sampled;

function rowResult(row: TargetRow): VariantResult {
  const resumable =
    row.resumable === row.sampled ? '' : `, ${row.resumable}/${row.sampled} resumable`;
  return {
    variant: row.variant,
    outcome: rowMet(row) ? 'met' : 'not met',
    detail: `${row.variant.store} store: ${row.peakRssMb.toFixed(0)} MB${resumable}`,
  };
}

function failureResult(failure: TargetFailure): VariantResult {
  const what = failure.cgroup?.oomKills ? 'OOM-killed' : 'failed';
  const when =
    failure.sessionsCreated === undefined
      ? ''
      : ` after ${failure.sessionsCreated.toLocaleString('en-US')} sessions`;
  return {
    variant: failure.variant,
    outcome: 'failed',
    detail: `${failure.variant.store} store: ${what}${when}`,
  };
}

/** "a", "a and b", "a, b and c". */
const andList = (items: string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * One sentence over every variant, grouped by outcome then by where it ran, e.g. "met in
 * a 256 MB cgroup (memory store: 180 MB, redis store: 150 MB); not met with default flags
 * on a 24 GiB machine (memory store: 536 MB)".
 */
function describe(results: VariantResult[], notRun: TargetNotRun[], memoryGiB?: number): string {
  const parts: string[] = [];
  for (const outcome of ['met', 'not met', 'failed', 'not run'] as const) {
    const byCondition = new Map<string, string[]>();
    for (const r of results.filter((x) => x.outcome === outcome)) {
      const key = condition(r.variant, memoryGiB);
      byCondition.set(key, [...(byCondition.get(key) ?? []), r.detail]);
    }
    if (outcome === 'not run') {
      for (const n of notRun) {
        const key = condition(n.variant, memoryGiB);
        byCondition.set(key, [...(byCondition.get(key) ?? []), `${n.variant.store} store`]);
      }
    }
    if (!byCondition.size) continue;
    const conditions = [...byCondition].map(
      ([where, details]) => `${where} (${details.join(', ')})`,
    );
    const reason = outcome === 'not run' && notRun.length ? `: ${notRun[0].reason}` : '';
    parts.push(`${outcome} ${andList(conditions)}${reason}`);
  }
  return parts.join('; ');
}

/** What a row adds to its check: the limits Node saw and the cgroup's own numbers. */
function limitsSeen(row: TargetRow): string {
  const seen = [`V8 heap limit ${row.heapSizeLimitMb.toFixed(0)} MB`];
  if (row.constrainedMemoryMb !== undefined) {
    seen.push(`constrainedMemory ${row.constrainedMemoryMb.toFixed(0)} MB`);
  }
  if (row.cgroup?.maxUsageMb !== undefined) {
    seen.push(`cgroup max usage ${row.cgroup.maxUsageMb.toFixed(0)} MB`);
  }
  if (row.cgroup?.oomKills !== undefined) seen.push(`OOM kills ${row.cgroup.oomKills}`);
  return seen.join(', ');
}

/**
 * The 100k-sessions target over all variants (met only if every variant met it, unknown
 * if some could not run), then one check per variant.
 */
function manySessions(inputs: TargetInputs): TargetCheck[] {
  const rows = inputs.target ?? [];
  const failures = inputs.targetFailures;
  const notRun = inputs.targetNotRun ?? [];
  const checks: TargetCheck[] = rows.map((row) => ({
    target: sessionsTarget(row.label),
    measured: `peak RSS ${row.peakRssMb.toFixed(0)} MB, ${row.resumable}/${row.sampled} resumable, live ${row.liveAfterCreate}; ${limitsSeen(row)}`,
    met: rowMet(row),
  }));
  for (const failure of failures) {
    checks.push({
      target: sessionsTarget(failure.label),
      measured: failure.reason.slice(0, 240),
      met: false,
    });
  }
  for (const n of notRun) {
    checks.push({
      target: sessionsTarget(n.label),
      measured: `not run: ${n.reason}`,
      met: null,
    });
  }
  if (!rows.length && !failures.length) {
    return [{ target: SESSIONS_TARGET, measured: 'not measured', met: null }, ...checks];
  }
  const results = [...rows.map(rowResult), ...failures.map(failureResult)];
  const allMet = results.every((r) => r.outcome === 'met');
  return [
    {
      target: `${SESSIONS_TARGET}, in every variant`,
      measured: describe(results, notRun, inputs.memoryGiB),
      met: !allMet ? false : notRun.length ? null : true,
    },
    ...checks,
  ];
}

/** Every target, in the order the tables list them. */
export function evaluateTargets(inputs: TargetInputs): TargetCheck[] {
  return [
    ...warmThroughput(inputs.warm),
    redisEventStore(inputs.warm),
    restoreCost(
      inputs.restore,
      'redis',
      'restore adds <= 1 ms at p50 over warm (Redis on loopback)',
    ),
    restoreCost(
      inputs.restore,
      'cache-manager-redis',
      'restore on the README setup (CacheManagerSessionStore + @keyv/redis) adds <= 1 ms at p50 over warm',
    ),
    storeTrips(inputs.warm),
    ...manySessions(inputs),
  ];
}
