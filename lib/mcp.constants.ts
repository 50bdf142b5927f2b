/** Injection token of the options given to `McpModule.forRoot()` / `forRootAsync()`. */
export const MCP_MODULE_OPTIONS = 'MCP_MODULE_OPTIONS';

/** Injection token of the options with every default applied (internal). */
export const MCP_RESOLVED_OPTIONS = 'MCP_RESOLVED_OPTIONS';

/** Injection token of the {@link SessionStore} that persists session records. */
export const MCP_SESSION_STORE = 'MCP_SESSION_STORE';

/** Injection token of the {@link McpSessionManager} that holds live sessions. */
export const MCP_SESSION_MANAGER = 'MCP_SESSION_MANAGER';

/** Injection token of the {@link McpEventStore} that keeps SSE events for resumption. */
export const MCP_EVENT_STORE = 'MCP_EVENT_STORE';

/** Injection token of the {@link SessionBus} that instances share (`null` without the `redis` option). */
export const MCP_SESSION_BUS = 'MCP_SESSION_BUS';

/** Injection token of the shared index of resource subscribers (`null` without the `redis` option). */
export const MCP_SUBSCRIBER_INDEX = 'MCP_SUBSCRIBER_INDEX';

/** Token of this instance's id among the instances of the server (random per process). */
export const MCP_INSTANCE_ID = 'MCP_INSTANCE_ID';

/** Injection token of the module's Redis connection (`null` without the `redis` option). */
export const MCP_REDIS = 'MCP_REDIS';

/** Optional token: the prefix of the keys `CacheManagerSessionStore` writes. Default `mcp:`. */
export const MCP_SESSION_KEY_PREFIX = 'MCP_SESSION_KEY_PREFIX';

/** Token of the endpoint's path, normalized (`/mcp`). */
export const MCP_PATH = 'MCP_PATH';

/** The token `@nestjs/cache-manager` provides its `Cache` under (same string, no import needed). */
export const CACHE_MANAGER = 'CACHE_MANAGER';

export const MCP_TOOL_METADATA = 'mcp:tool';
export const MCP_RESOURCE_METADATA = 'mcp:resource';
export const MCP_RESOURCE_TEMPLATE_METADATA = 'mcp:resource-template';
export const MCP_PROMPT_METADATA = 'mcp:prompt';
export const MCP_SESSION_RESTORE_METADATA = 'mcp:session-restore';

export const DEFAULT_MCP_PATH = '/mcp';
export const DEFAULT_SESSION_TTL_MS = 30 * 60 * 1000;
export const DEFAULT_SSE_RETRY_MS = 1000;
