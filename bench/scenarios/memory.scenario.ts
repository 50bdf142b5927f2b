/** Memory per session: RSS and heap before and after creating many sessions. */
import { McpHttpClient } from '../client.js';
import { ServerProcess } from '../child-process.js';
import type { MemorySample, ServerKind } from '../common.js';
import { mb } from '../report.js';
import { KIND_LABEL, SETTINGS, log } from '../settings.js';
import { createSessions } from './shared.js';

/** One server's memory (after gc) before and after the sessions, and the difference. */
export interface MemoryRow {
  server: ServerKind;
  label: string;
  /** Tools each session's server has: the echo tool and `extraTools` more. */
  tools: number;
  sessions: number;
  liveSessions: number;
  before: MemorySample;
  after: MemorySample;
  rssPerSessionKiB: number;
  heapPerSessionKiB: number;
  creationSeconds: number;
}

async function memoryRun(kind: ServerKind, extraTools: number): Promise<MemoryRow> {
  const server = await ServerProcess.start({ kind, json: false, store: 'memory', extraTools }, [
    '--expose-gc',
  ]);
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
    const row: MemoryRow = {
      server: kind,
      label: KIND_LABEL[kind],
      tools: 1 + extraTools,
      sessions: n,
      liveSessions: live ?? n,
      before,
      after,
      rssPerSessionKiB: (after.rss - before.rss) / n / 1024,
      heapPerSessionKiB: (after.heapUsed - before.heapUsed) / n / 1024,
      creationSeconds: seconds,
    };
    log(
      `memory ${kind} with ${row.tools} tool${row.tools === 1 ? '' : 's'}: ${n} sessions, rss ${mb(after.rss)} MB (+${row.rssPerSessionKiB.toFixed(1)} KiB/session), heap ${mb(after.heapUsed)} MB (+${row.heapPerSessionKiB.toFixed(1)} KiB/session)`,
    );
    return row;
  } finally {
    client.close();
    await server.stop();
  }
}

/**
 * (a) then (b), with one tool and then with `SETTINGS.memory.manyTools`, each in a fresh
 * process with `--expose-gc`.
 */
export async function memoryScenario(): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const tools of [1, SETTINGS.memory.manyTools]) {
    for (const kind of ['module', 'sdk-express'] as const)
      rows.push(await memoryRun(kind, tools - 1));
  }
  return rows;
}
