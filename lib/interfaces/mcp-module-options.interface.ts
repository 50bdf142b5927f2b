import type { Provider, Type } from '@nestjs/common';
import type { Request } from 'express';
import type { McpEventStore } from './mcp-event-store.interface.js';
import type { SessionStore } from './session-store.interface.js';

/** Options of `McpModule.forRoot()` / the factory of `McpModule.forRootAsync()`. */
export interface McpModuleOptions {
  /** Server name reported in `serverInfo`. */
  name: string;
  /** Server version reported in `serverInfo`. */
  version: string;
  /** Instructions for the model, returned by `initialize`. */
  instructions?: string;
  /**
   * Where session records live: an instance, or a class the module instantiates with
   * dependency injection. Defaults to an in-memory store (one process only).
   */
  sessionStore?: SessionStore | Type<SessionStore>;
  /** A session expires after this long without a request. Default: 30 minutes. */
  sessionTtlMs?: number;
  /** Answer POSTs with a single JSON body instead of an SSE stream. Default: false. */
  enableJsonResponse?: boolean;
  /**
   * Who is making a request. The value at `initialize` is stored with the session, and a
   * request for the session from anyone else gets 404 as if the id were unknown.
   * Default: `req.user` as a string, or its `id` / `sub` / `username`; `undefined` when
   * there is no user. Sessions are not authentication: authenticate with a guard first.
   */
  principal?: (req: Request) => string | undefined;
  /**
   * A live session's stored TTL is refreshed at most once per `sessionTtlMs * ttlRefreshFraction`,
   * in the background, so warm requests make no store round trip. Default: 0.25.
   */
  ttlRefreshFraction?: number;
  /**
   * Bound on how long an instance may keep serving a session deleted (or expired) through
   * another instance. Default: 1000 ms.
   */
  revalidateIntervalMs?: number;
  /** A store call that takes longer fails, and the request gets 503. Default: 2000 ms. */
  storeTimeoutMs?: number;
  /**
   * Most sessions kept live in memory; beyond it the least recently used idle session is
   * evicted (it stays resumable from the store). Default: 10000.
   */
  maxLiveSessions?: number;
  /** A live session idle this long is evicted from memory (not from the store). Default: 5 minutes. */
  idleTimeoutMs?: number;
  /**
   * At shutdown (`app.close()`, SIGTERM with `enableShutdownHooks()`), how long requests
   * in flight may take to finish, while new work gets 503 with `Retry-After`. Requests
   * still running then get a JSON-RPC error saying the server is shutting down, so their
   * clients retry; then streams close. Shutdown waits no longer than the requests do. Keep
   * it well under Kubernetes' `terminationGracePeriodSeconds` (30 s by default), which
   * covers the whole shutdown. `0`: no wait. Default: 10000 ms.
   */
  shutdownGraceMs?: number;
  /**
   * Which protocol eras the endpoint serves. `'dual'`: 2025 clients get resumable sessions
   * as always, and 2026-07-28 clients are served statelessly on the same URL, when the
   * optional package `@modelcontextprotocol/server` (v2) is installed (without it, one log
   * line at bootstrap, and 2025 only). `'legacy'`: 2025 only; 2026-07-28 requests get
   * the same errors as from a 2025-only server. Default: `'dual'`.
   */
  protocol?: 'dual' | 'legacy';
  /**
   * 2026-07-28 only: checks the `requestState` a client echoes back on a multi-round-trip
   * retry, before the handler runs; it throws (or rejects) for state that fails the check,
   * and the client gets -32602 "Invalid or expired requestState". Give it the `verify` of
   * `createRequestStateCodec` from `@modelcontextprotocol/server` when your handlers seal
   * their state with it. Default: none (the state reaches the handler unchecked).
   */
  requestState?: { verify(state: string): unknown };
  /**
   * Where SSE events are kept so clients can resume a stream with `Last-Event-ID`: an
   * instance, a class the module instantiates, or `false` to turn resumability off.
   * Default: an in-memory store (this process only, bounded in count and age). Not used
   * with `enableJsonResponse`, whose answers are not streams.
   */
  eventStore?: McpEventStore | Type<McpEventStore> | false;
  /**
   * Redis (or Valkey) as the bus between instances: SSE events are kept there (unless
   * `eventStore` says otherwise), so a stream resumes on any instance, and a DELETE
   * reaches every instance at once. Default: none (each instance on its own).
   */
  redis?: McpRedisOptions;
  /** The `retry` hint (ms) sent to 2025-11-25 clients on resumable streams. Default: 1000. */
  sseRetryMs?: number;
  /**
   * `Host` header values accepted, with or without a port (`['api.example.com']`), or
   * `['*']` for any. Default: on a loopback interface only `localhost`, `127.0.0.1` and
   * `[::1]`; on other interfaces any host (set this in production).
   */
  allowedHosts?: string[];
  /**
   * `Origin` values accepted when the header is present (`['https://app.example.com']`),
   * or `['*']` for any. A present, disallowed Origin gets 403. Default: origins whose host
   * is allowed by `allowedHosts` (by the loopback default on a loopback interface), else
   * only the origin of the request's own `Host`.
   */
  allowedOrigins?: string[];
}

/** The `redis` option of {@link McpModuleOptions}. */
export interface McpRedisOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /**
   * Prefix of the keys and channels written; servers sharing one Redis need their own.
   * Default: `mcp:`.
   */
  keyPrefix?: string;
  /** SSE events kept per session, approximately. Default: 1000. */
  maxEventsPerSession?: number;
}

/** Options that shape the module itself, given to `forRoot` and `forRootAsync` alike. */
export interface McpModuleExtras {
  /** HTTP path of the MCP endpoint. Default: `/mcp`. */
  path: string;
  /** Register the module globally. Default: false. */
  isGlobal: boolean;
  /**
   * Providers added to the module after its defaults, so they can replace them:
   * `[{ provide: MCP_SESSION_STORE, useClass: MyStore }]`.
   */
  extraProviders: Provider[];
}

/** Options left `undefined` when not given: their default depends on the request. */
type LeftUndefinedOptions =
  'eventStore' | 'allowedHosts' | 'allowedOrigins' | 'redis' | 'requestState';

/** Options with every default applied; what the module's providers read (internal). */
export type ResolvedMcpOptions = Omit<
  Required<McpModuleOptions>,
  'instructions' | 'sessionStore' | LeftUndefinedOptions
> &
  Pick<McpModuleOptions, 'instructions' | 'sessionStore' | LeftUndefinedOptions>;
