import { z } from 'zod';
/** What every benchmarked server shares: the tool, the wire format and the child protocol. */

export const MCP_PATH = '/mcp';
export const PROTOCOL_VERSION = '2025-06-18';
export const TOOL_NAME = 'echo';
export const TOOL_TEXT = 'hello';

export type ServerKind = 'module' | 'sdk-express' | 'mcp-nest' | 'ceiling' | 'v2-handler';
/** The 2026-07-28 revision, served statelessly (no session). */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/**
 * `redis`: the bench's own store straight on `@keyv/redis`. `cache-manager-redis`: the
 * README's setup, `CacheManagerSessionStore` on `@nestjs/cache-manager` and `@keyv/redis`.
 */
/**
 * The module's session store; `redis-bus` is the `redis` store with the `redis` option
 * too (SSE events kept in Redis, the bus between instances).
 */
export type StoreKind = 'memory' | 'redis' | 'redis-bus' | 'cache-manager-redis';

/** How the parent asks a child process to start a server. */
export interface ServerConfig {
  kind: ServerKind;
  json: boolean;
  /** Only for `module`. */
  store?: StoreKind;
  /** Only for `module` with a Redis store: the key namespace of this run. */
  redisNamespace?: string;
  /** Only for `module`: Nest's own `ExpressAdapter` instead of `McpExpressAdapter`. */
  nestExpressAdapter?: boolean;
  /** Only for `module`: extra module options (e.g. maxLiveSessions), passed as given. */
  moduleOptions?: Record<string, unknown>;
  /** Sample RSS every few milliseconds and keep the peak. */
  trackPeakRss?: boolean;
  /**
   * Only for `module` and `sdk-express`: this many tools registered beside the echo tool
   * (`extra_0`, `extra_1`...), to show what each tool costs a live session.
   */
  extraTools?: number;
}

/** The input schema of every extra tool (see `ServerConfig.extraTools`). */
export const EXTRA_TOOL_INPUT = { text: z.string(), count: z.number().optional() };

/** The name of extra tool `i`. */
export const extraToolName = (i: number) => `extra_${i}`;

/** Store operations counted by the wrapping store. */
export interface StoreCounts {
  load: number;
  loadMany: number;
  save: number;
  delete: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** What bounds a server process's memory, as Node sees it. */
export interface NodeLimits {
  /** `process.constrainedMemory()` in bytes; undefined when Node sees no limit. */
  constrainedMemory: number | undefined;
  /** `v8.getHeapStatistics().heap_size_limit` in bytes. */
  heapSizeLimit: number;
}

export type ChildRequest =
  | { id: number; cmd: 'memory'; gc: boolean }
  | { id: number; cmd: 'peakRss' }
  | { id: number; cmd: 'storeCounts'; reset: boolean }
  | { id: number; cmd: 'evict'; ids: string[] }
  | { id: number; cmd: 'liveCount' }
  | { id: number; cmd: 'cpuUsage' }
  | { id: number; cmd: 'nodeLimits' }
  | { id: number; cmd: 'storeLoadLatencies'; count: number }
  | { id: number; cmd: 'close' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; error: string }
  | { type: 'reply'; id: number; value?: unknown; error?: string };

/** A running server, as the child sees it. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
  storeCounts?(reset: boolean): StoreCounts;
  evict?(ids: string[]): Promise<number>;
  liveCount?(): number;
  /** Times `count` loads of unknown ids straight on the store, one at a time (ms each). */
  storeLoadLatencies?(count: number): Promise<number[]>;
}
