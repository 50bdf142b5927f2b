/** Many sessions, few live: 100k sessions with maxLiveSessions, peak RSS, resumability. */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { McpHttpClient, pool } from '../client.js';
import { ServerProcess } from '../child-process.js';
import type { StoreCounts } from '../common.js';
import {
  MemoryCgroup,
  MemoryCgroupUnavailable,
  type MemoryCgroupReport,
} from '../memory-cgroup.js';
import { mb } from '../report.js';
import { SETTINGS, log, type TargetVariant } from '../settings.js';
import type { Skipped } from './shared.js';

/** A variant's memory cgroup as the kernel saw it once the server had exited, in MB. */
export interface TargetCgroup {
  version: 1 | 2;
  limitMb: number;
  /** The cgroup's peak usage (RSS and the page cache it was charged for). */
  maxUsageMb: number | undefined;
  oomKills: number | undefined;
}

/** How one variant did. */
export interface TargetRow {
  /** The variant's label (Node flags, cgroup, store). */
  label: string;
  variant: TargetVariant;
  /** `process.constrainedMemory()` in the server process, MB (undefined: no limit seen). */
  constrainedMemoryMb: number | undefined;
  /** `v8.getHeapStatistics().heap_size_limit` in the server process, MB. */
  heapSizeLimitMb: number;
  /** Only for a variant run in a memory cgroup. */
  cgroup?: TargetCgroup;
  sessions: number;
  maxLiveSessions: number;
  creationSeconds: number;
  sessionsPerSecond: number;
  liveAfterCreate: number | undefined;
  liveAfterSample: number | undefined;
  peakRssMb: number;
  peakRssAfterCreateMb: number;
  rssAfterGcMb: number;
  heapUsedAfterGcMb: number;
  sampled: number;
  resumable: number;
  storeCountsDuringSample: StoreCounts | undefined;
}

/** A variant whose server died or failed (e.g. out of heap), with how far it got. */
export interface TargetFailure {
  label: string;
  variant: TargetVariant;
  reason: string;
  /** Sessions created before the server failed (undefined: it failed later, or to start). */
  sessionsCreated?: number;
  cgroup?: TargetCgroup;
}

/** A variant this machine cannot run (no writable memory cgroup), and why. */
export interface TargetNotRun {
  label: string;
  variant: TargetVariant;
  reason: string;
}

const variantLabel = (v: TargetVariant) =>
  `${v.nodeFlags.join(' ') || 'default'}${v.memoryCgroupMb ? ` in a ${v.memoryCgroupMb} MB cgroup` : ''}, ${v.store} store`;

/** Creating the sessions failed after `created` of them. */
class CreationFailed extends Error {
  constructor(
    message: string,
    readonly created: number,
  ) {
    super(message);
  }
}

const toMb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);

function cgroupColumns(report: MemoryCgroupReport): TargetCgroup {
  return {
    version: report.version,
    limitMb: report.limitBytes / 2 ** 20,
    maxUsageMb: toMb(report.maxUsageBytes),
    oomKills: report.oomKills,
  };
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

/**
 * Polls the kernel's high-water mark of a process's RSS from here, so that it survives
 * the process dying.
 */
function watchKernelPeakRss(pid: number | undefined) {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, readVmHwm(pid));
  }, 250);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

/** Creates every session; a failure says how far creation got. */
async function createAll(
  server: ServerProcess,
  client: McpHttpClient,
  kernelPeakRss: () => number,
): Promise<string[]> {
  let created = 0;
  return pool(SETTINGS.target.sessions, 32, async () => {
    const id = await client.createSession().catch((error: unknown) => {
      throw new CreationFailed(
        `server failed after ${created} sessions (peak RSS ${mb(kernelPeakRss())} MB${server.exited ? ', server process died' : ''}): ${String(error)}`,
        created,
      );
    });
    created++;
    return id;
  });
}

/** Up to `count` distinct sessions picked at random. */
function pickSample(sessions: string[], count: number): string[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, sessions.length)) picked.add(randomInt(sessions.length));
  return [...picked].map((i) => sessions[i]);
}

/** Calls the tool once on each sampled session; resolves to how many answered. */
async function countResumable(client: McpHttpClient, sample: string[]): Promise<number> {
  const outcomes = await pool(sample.length, 8, async (i) => {
    try {
      await client.callTool(sample[i]);
      return true;
    } catch {
      return false;
    }
  });
  return outcomes.filter(Boolean).length;
}

/** One variant's run; a cgroup variant's server runs in `cgroup` (`cgroup` columns added later). */
async function targetRun(variant: TargetVariant, cgroup?: MemoryCgroup): Promise<TargetRow> {
  const s = SETTINGS.target;
  const server = await ServerProcess.start(
    {
      kind: 'module',
      json: false,
      store: variant.store,
      moduleOptions: { maxLiveSessions: s.maxLiveSessions },
      trackPeakRss: true,
    },
    ['--expose-gc', ...variant.nodeFlags],
    cgroup?.launcher,
  );
  const client = new McpHttpClient(server.port, 32);
  const watch = watchKernelPeakRss(server.pid);
  try {
    const limits = await server.nodeLimits();
    const started = Date.now();
    const sessions = await createAll(server, client, watch.peak);
    const creationSeconds = (Date.now() - started) / 1000;
    const liveAfterCreate = await server.liveCount();
    const peakAfterCreate = await server.peakRss();
    const sample = pickSample(sessions, s.samples);
    await server.storeCounts(true);
    const resumable = await countResumable(client, sample);
    const counts = await server.storeCounts(false);
    const peakRss = await server.peakRss();
    const afterGc = await server.memory(true);
    const row: TargetRow = {
      label: variantLabel(variant),
      variant,
      constrainedMemoryMb: toMb(limits.constrainedMemory),
      heapSizeLimitMb: limits.heapSizeLimit / 2 ** 20,
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
      `target (${row.label}): ${s.sessions} sessions, peak rss ${row.peakRssMb.toFixed(0)} MB, heap limit ${row.heapSizeLimitMb.toFixed(0)} MB, live ${row.liveAfterCreate}, ${resumable}/${sample.length} resumable`,
    );
    return row;
  } finally {
    watch.stop();
    client.close();
    await server.stop();
  }
}

/** What a run of the variants collects besides its rows. */
interface Outcomes {
  rows: TargetRow[];
  failures: TargetFailure[];
  notRun: TargetNotRun[];
  skipped: Skipped[];
}

/**
 * The variant's memory cgroup: null when the variant has none, undefined (recorded in
 * `notRun` and `skipped`) when this machine cannot make one.
 */
function cgroupFor(variant: TargetVariant, out: Outcomes): MemoryCgroup | null | undefined {
  if (!variant.memoryCgroupMb) return null;
  const label = variantLabel(variant);
  try {
    return MemoryCgroup.create(variant.memoryCgroupMb * 2 ** 20, `target-${variant.store}`);
  } catch (error) {
    if (!(error instanceof MemoryCgroupUnavailable)) throw error;
    out.notRun.push({ label, variant, reason: error.message });
    out.skipped.push({ scenario: `target (${label})`, reason: error.message, notAvailable: true });
    log(`target (${label}) skipped: ${error.message}`);
    return undefined;
  }
}

/** Runs one variant (in its memory cgroup, if any) and records how it went. */
async function runVariant(variant: TargetVariant, out: Outcomes): Promise<void> {
  const cgroup = cgroupFor(variant, out);
  if (cgroup === undefined) return;
  const label = variantLabel(variant);
  try {
    const row = await targetRun(variant, cgroup ?? undefined);
    if (cgroup) row.cgroup = cgroupColumns(cgroup.report());
    out.rows.push(row);
  } catch (error) {
    const failure: TargetFailure = {
      label,
      variant,
      reason: error instanceof Error ? error.message : String(error),
      sessionsCreated: error instanceof CreationFailed ? error.created : undefined,
    };
    if (cgroup) {
      const report = (failure.cgroup = cgroupColumns(cgroup.report()));
      if (report.oomKills) {
        failure.reason += `; OOM-killed by the kernel in its ${report.limitMb.toFixed(0)} MB cgroup (max usage ${report.maxUsageMb?.toFixed(0) ?? '?'} MB, ${report.oomKills} OOM kill(s))`;
      }
    }
    out.failures.push(failure);
    log(`target (${label}) failed: ${failure.reason}`);
  } finally {
    if (cgroup && !(await cgroup.remove())) log(`target (${label}): could not remove its cgroup`);
  }
}

/**
 * Runs with Node's default flags; with the old generation capped the way a 256 MB
 * container would be run (75%); and with default flags inside a 256 MB memory cgroup,
 * where Node sizes its heap from the cgroup's limit as it does in a container (by
 * default V8 sizes its heap from the machine's memory, 24 GiB here, not from the
 * process's live data). Variants that fail are added to `failures` instead of the rows;
 * cgroup variants on a machine without a writable memory cgroup to `notRun` and
 * `skipped`.
 */
export async function targetScenario(
  failures: TargetFailure[],
  notRun: TargetNotRun[],
  skipped: Skipped[],
): Promise<TargetRow[]> {
  const out: Outcomes = { rows: [], failures, notRun, skipped };
  for (const variant of SETTINGS.target.variants) await runVariant(variant, out);
  return out.rows;
}
