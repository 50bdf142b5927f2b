/**
 * `npm run bench`: every scenario side by side in one run, on this machine, with the
 * servers in their own processes and the load generated here (loopback only, every loop
 * bounded). `npm run bench:smoke` runs the same code with tiny amounts and no targets.
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), BENCH_ONLY=warm,create,...
 * to run some scenarios, BENCH_CPU_PROF=<server kind> to write CPU profiles of that
 * server's warm runs into bench/profiles/, BENCH_TARGET_VARIANTS to run some variants of
 * the target scenario (see settings.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './machine.js';
import { createScenario } from './scenarios/create.scenario.js';
import { memoryScenario } from './scenarios/memory.scenario.js';
import { restoreScenario } from './scenarios/restore.scenario.js';
import type { Skipped } from './scenarios/shared.js';
import {
  targetScenario,
  type TargetFailure,
  type TargetNotRun,
} from './scenarios/target.scenario.js';
import { warmScenario } from './scenarios/warm.scenario.js';
import { BENCH_DIR, SETTINGS, SMOKE, log, redisNamespace, wanted } from './settings.js';
import { KeyvRedisSessionStore, redisUrl } from './stores.js';
import { printSummary, type ScenarioRows } from './summary.js';
import { evaluateTargets } from './targets.js';

/** What a run collects; the scenarios that report more than rows get their part of it. */
interface Collected {
  results: Record<string, unknown>;
  skipped: Skipped[];
  targetFailures: TargetFailure[];
  targetNotRun: TargetNotRun[];
}

/** Runs one scenario if wanted; its rows go into `results`, its failure into `skipped`. */
async function section<T>(
  collected: Collected,
  name: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (!wanted(name)) return undefined;
  const started = Date.now();
  log(`${name}...`);
  try {
    const value = await work();
    collected.results[name] = value;
    return value;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    collected.skipped.push({ scenario: name, reason });
    log(`${name} failed: ${reason}`);
    return undefined;
  } finally {
    log(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function runScenarios(collected: Collected): Promise<ScenarioRows> {
  const { skipped, targetFailures, targetNotRun } = collected;
  return {
    warm: await section(collected, 'warm', () => warmScenario(skipped)),
    create: await section(collected, 'create', createScenario),
    restore: await section(collected, 'restore', () => restoreScenario(skipped)),
    memory: await section(collected, 'memory', memoryScenario),
    target: await section(collected, 'target', () =>
      targetScenario(targetFailures, targetNotRun, skipped),
    ),
  };
}

/** Redis keys of this run (the warm and restore namespaces) go away with it. */
async function clearRedisKeys(): Promise<void> {
  for (const namespace of [redisNamespace('warm'), redisNamespace('restore')]) {
    const store = new KeyvRedisSessionStore(redisUrl(), namespace);
    await store.clear().catch(() => undefined);
    await store.disconnect().catch(() => undefined);
  }
}

/** Writes the results file (a smoke run's goes under dist/); resolves to its path. */
function writeResults(output: object): string {
  const outFile = SMOKE
    ? fileURLToPath(new URL('../results.smoke.json', import.meta.url))
    : `${BENCH_DIR}results.json`;
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`);
  return outFile;
}

async function main() {
  const startedAt = new Date();
  const host = machine();
  log(
    `${SMOKE ? 'smoke run' : 'full run'} on ${host.cores} x ${host.cpuModel}, ${host.memoryTotalGiB} GiB, node ${host.node}`,
  );
  const collected: Collected = {
    results: {},
    skipped: [],
    targetFailures: [],
    targetNotRun: [],
  };
  const rows = await runScenarios(collected);
  await clearRedisKeys();

  const { results, skipped, targetFailures, targetNotRun } = collected;
  const targets = SMOKE
    ? []
    : evaluateTargets({ ...rows, targetFailures, targetNotRun, memoryGiB: host.memoryTotalGiB });
  const outFile = writeResults({
    kind: SMOKE ? 'smoke' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: host,
    settings: SETTINGS,
    results,
    targets,
    targetFailures,
    targetNotRun,
    skipped,
  });

  printSummary(host, rows, targets, skipped);
  log(`results written to ${outFile}`);
  if (skipped.length) log(`skipped or failed: ${skipped.map((s) => s.scenario).join(', ')}`);
  if (targetFailures.length) {
    log(`target variants that failed: ${targetFailures.map((f) => f.label).join('; ')}`);
  }
  // A smoke run fails for what failed, not for what this machine cannot do (no cgroups).
  if (SMOKE && (skipped.some((s) => !s.notAvailable) || targetFailures.length)) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
