export { McpModule } from './mcp.module.js';
export { McpExpressAdapter } from './express/mcp-express.adapter.js';
export {
  MCP_EVENT_STORE,
  MCP_MODULE_OPTIONS,
  MCP_SESSION_KEY_PREFIX,
  MCP_SESSION_MANAGER,
  MCP_SESSION_STORE,
} from './mcp.constants.js';
export { Tool } from './decorators/tool.decorator.js';
export { Resource } from './decorators/resource.decorator.js';
export { ResourceTemplate } from './decorators/resource-template.decorator.js';
export { Prompt } from './decorators/prompt.decorator.js';
export { OnSessionRestore } from './decorators/on-session-restore.decorator.js';
export { InjectSessionStore } from './decorators/inject-session-store.decorator.js';
export { InjectSessionManager } from './decorators/inject-session-manager.decorator.js';
export { InMemorySessionStore } from './stores/in-memory-session.store.js';
export { CacheManagerSessionStore } from './stores/cache-manager-session.store.js';
export { McpSessionManager, type ResolvedSession } from './session/mcp-session.manager.js';
export type { McpSession } from './session/mcp-session.js';
export { SessionStoreUnavailableError } from './errors/session-store-unavailable.error.js';
export type {
  McpModuleExtras,
  McpModuleOptions,
} from './interfaces/mcp-module-options.interface.js';
export type { McpRequestContext } from './interfaces/mcp-request-context.interface.js';
export {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from './interfaces/session-record.interface.js';
export type {
  SessionRestoreMarker,
  SessionRestoreReason,
} from './interfaces/session-restore-marker.interface.js';
export type { SessionStore } from './interfaces/session-store.interface.js';
export type { ToolOptions } from './interfaces/tool-options.interface.js';
export type { ResourceOptions } from './interfaces/resource-options.interface.js';
export type { ResourceTemplateOptions } from './interfaces/resource-template-options.interface.js';
export type { PromptOptions } from './interfaces/prompt-options.interface.js';
export type { FollowedStreamSink, McpEventStore } from './interfaces/mcp-event-store.interface.js';
export {
  InMemoryEventStore,
  type InMemoryEventStoreOptions,
} from './stores/in-memory-event.store.js';
export { McpResourceSubscriptions } from './sdk/resource-subscriptions.js';
export { McpListChanges } from './session/mcp-list-changes.js';
