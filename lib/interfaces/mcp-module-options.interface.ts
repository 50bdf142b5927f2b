import type { Provider, Type } from '@nestjs/common';
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
