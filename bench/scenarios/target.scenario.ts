/** Many sessions, few live: 100k sessions with maxLiveSessions, peak RSS, resumability. */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { McpHttpClient, pool } from '../client.js';
import { ServerProcess } from '../child-process.js';
import type { StoreCounts } from '../common.js';
import { mb } from '../report.js';
import { SETTINGS, log, type TargetVariant } from '../settings.js';

/** How one variant did. */
export interface TargetRow {
  nodeFlags: string;
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
  nodeFlags: string;
  reason: string;
}

const variantLabel = (v: TargetVariant) =>
  `${v.nodeFlags.join(' ') || 'default'}, ${v.store} store`;

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
      throw new Error(
        `server failed after ${created} sessions (peak RSS ${mb(kernelPeakRss())} MB${server.exited ? ', server process died' : ''}): ${String(error)}`,
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

async function targetRun(variant: TargetVariant): Promise<TargetRow> {
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
  );
  const client = new McpHttpClient(server.port, 32);
  const watch = watchKernelPeakRss(server.pid);
  try {
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
    watch.stop();
    client.close();
    await server.stop();
  }
}

/**
 * Runs with Node's default flags, and again with the old generation capped the way a
 * 256 MB container would be run (75%), since by default V8 sizes its heap from the
 * machine's memory (24 GiB here), not from the process's live data. Variants that fail
 * are added to `failures` instead of the rows.
 */
export async function targetScenario(failures: TargetFailure[]): Promise<TargetRow[]> {
  const rows: TargetRow[] = [];
  for (const variant of SETTINGS.target.variants) {
    try {
      rows.push(await targetRun(variant));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const flags = variantLabel(variant);
      failures.push({ nodeFlags: flags, reason });
      log(`target (${flags}) failed: ${reason}`);
    }
  }
  return rows;
}
