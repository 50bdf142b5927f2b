/** Injection token of the {@link SessionStore} that persists session records. */
export const MCP_SESSION_STORE = 'MCP_SESSION_STORE';

/** Injection token of the {@link McpSessionManager} that holds live sessions. */
export const MCP_SESSION_MANAGER = 'MCP_SESSION_MANAGER';

export const MCP_TOOL_METADATA = 'mcp:tool';
export const MCP_SESSION_RESTORE_METADATA = 'mcp:session-restore';

export const DEFAULT_MCP_PATH = '/mcp';
export const DEFAULT_SESSION_TTL_MS = 30 * 60 * 1000;
