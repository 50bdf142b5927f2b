/** The project's performance targets, checked against a full run's results. */
import type { ServerKind } from './common.js';
import { ms, ratio } from './report.js';
import { SETTINGS } from './settings.js';
import type { RestoreRow } from './scenarios/restore.scenario.js';
import type { TargetFailure, TargetRow } from './scenarios/target.scenario.js';
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
}

const SESSIONS_TARGET =
  '100,000 sessions, maxLiveSessions 1,000: RSS < 256 MB and every sampled session resumable';
const sessionsTarget = (nodeFlags: string) =>
  `100,000 sessions, maxLiveSessions 1,000 (node ${nodeFlags}): RSS < 256 MB and every sampled session resumable`;

function warmThroughput(warm: WarmRow[] | undefined): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const rps = (kind: ServerKind, mode: 'sse' | 'json') =>
    warm?.find((r) => r.server === kind && r.mode === mode && (r.store ?? 'memory') === 'memory')
      ?.rps;
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

function restoreCost(restore: RestoreRow[] | undefined): TargetCheck {
  const redis = restore?.find((r) => r.store === 'redis');
  return {
    target: 'restore adds <= 1 ms at p50 over warm (Redis on loopback)',
    measured: redis ? `+${ms(redis.restored.p50 - redis.warm.p50)} ms` : 'not measured',
    met: redis ? redis.restored.p50 - redis.warm.p50 <= 1 : null,
  };
}

function storeTrips(warm: WarmRow[] | undefined): TargetCheck {
  const trips = warm?.filter((r) => r.storeRoundTripsPerRequest !== undefined) ?? [];
  const worst = Math.max(...trips.map((r) => r.storeRoundTripsPerRequest ?? 0));
  return {
    target: 'warm requests make < 0.01 store round trips each',
    measured: trips.length ? `${worst.toFixed(5)} (worst of ${trips.length} runs)` : 'not measured',
    met: trips.length ? worst < 0.01 : null,
  };
}

function manySessions(target: TargetRow[] | undefined, failures: TargetFailure[]): TargetCheck[] {
  const checks: TargetCheck[] = (target ?? []).map((row) => ({
    target: sessionsTarget(row.nodeFlags),
    measured: `peak RSS ${row.peakRssMb.toFixed(0)} MB, ${row.resumable}/${row.sampled} resumable, live ${row.liveAfterCreate}`,
    met: row.peakRssMb < SETTINGS.target.rssLimitMb && row.resumable === row.sampled,
  }));
  for (const failure of failures) {
    checks.push({
      target: sessionsTarget(failure.nodeFlags),
      measured: failure.reason.slice(0, 160),
      met: false,
    });
  }
  if (!checks.length) checks.push({ target: SESSIONS_TARGET, measured: 'not measured', met: null });
  return checks;
}

/** Every target, in the order the tables list them. */
export function evaluateTargets(inputs: TargetInputs): TargetCheck[] {
  return [
    ...warmThroughput(inputs.warm),
    restoreCost(inputs.restore),
    storeTrips(inputs.warm),
    ...manySessions(inputs.target, inputs.targetFailures),
  ];
}
