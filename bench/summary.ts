/** The tables a run prints on stdout: one per scenario that ran, targets, what was skipped. */
import type { Machine } from './machine.js';
import { formatTable, mb, ms, ratio } from './report.js';
import { SETTINGS } from './settings.js';
import type { CreateRow } from './scenarios/create.scenario.js';
import type { MemoryRow } from './scenarios/memory.scenario.js';
import type { RestoreRow } from './scenarios/restore.scenario.js';
import type { Skipped } from './scenarios/shared.js';
import type { TargetRow } from './scenarios/target.scenario.js';
import type { WarmRow } from './scenarios/warm.scenario.js';
import type { TargetCheck } from './targets.js';

/** Each scenario's rows; undefined when it did not run (or failed). */
export interface ScenarioRows {
  warm?: WarmRow[];
  create?: CreateRow[];
  restore?: RestoreRow[];
  memory?: MemoryRow[];
  target?: TargetRow[];
}

function warmTable(warm: WarmRow[]): string[] {
  const base = (mode: string) =>
    warm.find((r) => r.server === 'sdk-express' && r.mode === mode)?.rps;
  const header = [
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
    'Redis cmds/req',
    'server CPU µs/req',
  ];
  const rows = warm.map((r) => [
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
    r.redisCommandsPerRequest === undefined ? '-' : r.redisCommandsPerRequest.toFixed(2),
    r.cpuUsPerRequest.toFixed(0),
  ]);
  const title = `Warm tools/call (${SETTINGS.warm.sessions} sessions, ${SETTINGS.warm.connections} connections)`;
  return ['', title, formatTable(header, rows)];
}

function createTable(create: CreateRow[]): string[] {
  const rows = create.map((r) => [
    r.label,
    r.sessionsPerSecond.toFixed(0),
    String(r.p50),
    String(r.p99),
    String(r.requests),
    String(r.errors),
    String(r.non2xx),
  ]);
  return [
    '',
    `Session creation (initialize + notifications/initialized, ${SETTINGS.create.connections} connections, SSE)`,
    formatTable(
      ['server', 'sessions/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'non-2xx'],
      rows,
    ),
  ];
}

function storeCallsPerRestore(r: RestoreRow): string {
  const counts = r.storeCountsDuringRestores;
  return counts ? ((counts.load + counts.loadMany) / r.restored.n).toFixed(2) : '-';
}

function restoreTable(restore: RestoreRow[]): string[] {
  const header = [
    'store',
    'JIT warmed on',
    'warm p50',
    'warm p99',
    'restored p50',
    'restored p99',
    'added at p50',
    'server CPU µs/req warm',
    'restored',
    'bare store load p50',
    'store calls per restore',
  ];
  const rows = restore.map((r) => [
    r.store,
    r.jitWarmedOn,
    ms(r.warm.p50),
    ms(r.warm.p99),
    ms(r.restored.p50),
    ms(r.restored.p99),
    `+${ms(r.restored.p50 - r.warm.p50)}`,
    r.serverCpuUsPerRequest.warm.toFixed(0),
    r.serverCpuUsPerRequest.restored.toFixed(0),
    r.storeLoad ? ms(r.storeLoad.p50) : '-',
    storeCallsPerRestore(r),
  ]);
  const title = `Restore cost ((a), ${SETTINGS.restore.sessions} sessions, one request at a time; ms unless stated)`;
  return ['', title, formatTable(header, rows)];
}

function memoryTable(memory: MemoryRow[]): string[] {
  const rows = memory.map((r) => [
    r.label,
    String(r.tools),
    String(r.liveSessions),
    mb(r.after.rss),
    mb(r.after.heapUsed),
    r.rssPerSessionKiB.toFixed(1),
    r.heapPerSessionKiB.toFixed(1),
  ]);
  return [
    '',
    `Memory after creating ${SETTINGS.memory.sessions} sessions (after gc)`,
    formatTable(
      ['server', 'tools', 'live', 'RSS MB', 'heap MB', 'RSS KiB/session', 'heap KiB/session'],
      rows,
    ),
  ];
}

function targetTable(target: TargetRow[]): string[] {
  const header = [
    'variant',
    'sessions',
    'created/s',
    'live',
    'peak RSS MB',
    'RSS after gc MB',
    'heap after gc MB',
    'resumable',
    'cgroup limit MB',
    'constrainedMemory MB',
    'V8 heap limit MB',
    'cgroup max usage MB',
    'OOM kills',
  ];
  const whole = (value: number | undefined, none = '-') =>
    value === undefined ? none : value.toFixed(0);
  const rows = target.map((row) => [
    row.label,
    String(row.sessions),
    row.sessionsPerSecond.toFixed(0),
    String(row.liveAfterCreate ?? '-'),
    row.peakRssMb.toFixed(0),
    row.rssAfterGcMb.toFixed(0),
    row.heapUsedAfterGcMb.toFixed(0),
    `${row.resumable}/${row.sampled}`,
    row.cgroup ? `${whole(row.cgroup.limitMb)} (v${row.cgroup.version})` : '-',
    whole(row.constrainedMemoryMb, 'none'),
    whole(row.heapSizeLimitMb),
    whole(row.cgroup?.maxUsageMb),
    row.cgroup?.oomKills === undefined ? '-' : String(row.cgroup.oomKills),
  ]);
  const title = `Many sessions, few live ((a), maxLiveSessions ${SETTINGS.target.maxLiveSessions})`;
  return ['', title, formatTable(header, rows)];
}

function targetsTable(targets: TargetCheck[]): string[] {
  const met = (t: TargetCheck) => (t.met === null ? 'n/a' : t.met ? 'yes' : 'NO');
  const rows = targets.map((t) => [t.target, t.measured, met(t)]);
  return ['', 'Targets', formatTable(['target', 'measured', 'met'], rows)];
}

/** Writes the machine line and every table that has rows to stdout. */
export function printSummary(
  host: Machine,
  rows: ScenarioRows,
  targets: TargetCheck[],
  skipped: Skipped[],
): void {
  const out = [
    `Machine: ${host.cores} cores, ${host.cpuModel}, ${host.memoryTotalGiB} GiB RAM, Node ${host.node}, ${host.os}`,
  ];
  if (rows.warm?.length) out.push(...warmTable(rows.warm));
  if (rows.create?.length) out.push(...createTable(rows.create));
  if (rows.restore?.length) out.push(...restoreTable(rows.restore));
  if (rows.memory?.length) out.push(...memoryTable(rows.memory));
  if (rows.target?.length) out.push(...targetTable(rows.target));
  if (targets.length) out.push(...targetsTable(targets));
  if (skipped.length) {
    out.push('', 'Skipped or failed');
    for (const s of skipped) out.push(`- ${s.scenario}: ${s.reason}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
