/**
 * What a bench run is asked to do (command line and environment), and how big each
 * scenario is in a full run and in a smoke run.
 *
 * Environment: BENCH_SMOKE=1 (as `--smoke`), BENCH_ONLY=warm,create,... (some scenarios),
 * BENCH_CPU_PROF=<server kind>, and BENCH_TARGET_VARIANTS=cgroup-memory,default-redis,...
 * to run only those variants of the target scenario. A variant's id is what `variantId`
 * makes of it: `default`, `heapcap` (Node flags such as --max-old-space-size) or `cgroup`
 * (a memory cgroup), then `-memory` or `-redis` (the store). A full run with
 * BENCH_TARGET_VARIANTS or BENCH_ONLY still writes bench/results.json: restore it
 * (`git checkout bench/results.json`) unless it is meant to replace the last full run.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './common.js';

/** `--smoke` or BENCH_SMOKE=1: tiny amounts, no targets. */
export const SMOKE = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const PROFILE_KIND = process.env.BENCH_CPU_PROF as ServerKind | undefined;
/** The `bench/` source folder (this file runs from `dist/bench/bench/`). */
export const BENCH_DIR = fileURLToPath(new URL('../../../bench/', import.meta.url));
/** Tells this run's Redis keys from other runs'. */
export const RUN_ID = randomBytes(4).toString('hex');

/**
 * How the 100k-session server runs: where its records live, Node's flags, and, with
 * `memoryCgroupMb`, inside a fresh memory cgroup with that limit (as a container with a
 * memory limit runs it: Node sizes its heap from the limit, the kernel enforces it).
 */
export type TargetVariant = {
  store: 'memory' | 'redis';
  nodeFlags: string[];
  memoryCgroupMb?: number;
};

/** A variant's id for BENCH_TARGET_VARIANTS: `default-memory`, `cgroup-redis`... */
export const variantId = (v: TargetVariant): string =>
  `${v.memoryCgroupMb ? 'cgroup' : v.nodeFlags.length ? 'heapcap' : 'default'}-${v.store}`;

const TARGET_VARIANTS = new Set(
  (process.env.BENCH_TARGET_VARIANTS ?? '').split(',').filter(Boolean),
);
/** The variants of `all` that BENCH_TARGET_VARIANTS (when set) names. */
const pickVariants = (all: TargetVariant[]): TargetVariant[] =>
  TARGET_VARIANTS.size ? all.filter((v) => TARGET_VARIANTS.has(variantId(v))) : all;

/** Amounts, rounds and durations of every scenario. */
export const SETTINGS = SMOKE
  ? {
      warm: { sessions: 10, connections: 10, rounds: 1, warmupAmount: 100, amount: 300 },
      create: { connections: 10, rounds: 1, amount: 300 },
      restore: { sessions: 20, jitWarmupCalls: 50, jitWarmupRestores: 40 },
      memory: { sessions: 200, manyTools: 5 },
      target: {
        sessions: 2_000,
        maxLiveSessions: 100,
        samples: 50,
        rssLimitMb: 256,
        variants: pickVariants([
          { store: 'memory', nodeFlags: [] },
          { store: 'memory', nodeFlags: [], memoryCgroupMb: 256 },
        ]),
      },
    }
  : {
      warm: { sessions: 100, connections: 50, rounds: 5, warmupSeconds: 2, seconds: 8 },
      create: { connections: 20, rounds: 3, warmupSeconds: 2, seconds: 6 },
      restore: { sessions: 300, jitWarmupCalls: 2_000, jitWarmupRestores: 2_000 },
      memory: { sessions: 5_000, manyTools: 40 },
      target: {
        sessions: 100_000,
        maxLiveSessions: 1_000,
        samples: 500,
        rssLimitMb: 256,
        // Each store with Node's defaults, with a heap cap, and in a 256 MB memory cgroup.
        variants: pickVariants(
          (['memory', 'redis'] as const).flatMap((store): TargetVariant[] => [
            { store, nodeFlags: [] },
            { store, nodeFlags: ['--max-old-space-size=192'] },
            { store, nodeFlags: [], memoryCgroupMb: 256 },
          ]),
        ),
      },
    };

/** How the tables name each server. */
export const KIND_LABEL: Record<ServerKind, string> = {
  module: '(a) nestjs-resumable-mcp',
  'sdk-express': '(b) sdk 1.32 + express',
  'mcp-nest': '(c) @rekog/mcp-nest 2.0',
  ceiling: '(d) plain node:http (ceiling)',
  'v2-handler': '(e) v2 createMcpHandler',
};

/** Whether BENCH_ONLY (when set) names this scenario. */
export const wanted = (scenario: string): boolean => ONLY.size === 0 || ONLY.has(scenario);

/** A progress line on stderr (stdout carries only the tables). */
export const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

/** The Redis key namespace of one scenario in this run. */
export const redisNamespace = (scenario: 'warm' | 'restore'): string =>
  `bench-${scenario}-${RUN_ID}`;

/** `--cpu-prof` flags when BENCH_CPU_PROF names this server kind. */
export function profileArgs(kind: ServerKind, scenario: string): string[] {
  if (PROFILE_KIND !== kind) return [];
  return [
    '--cpu-prof',
    `--cpu-prof-dir=${BENCH_DIR}profiles`,
    `--cpu-prof-name=${kind}-${scenario}-${process.pid}.cpuprofile`,
  ];
}
