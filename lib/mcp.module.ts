import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpMetadataAccessor } from './discovery/mcp-metadata.accessor.js';
import { McpExplorer } from './discovery/mcp.explorer.js';
import { McpRegistry } from './discovery/mcp.registry.js';
import { MCP_SESSION_MANAGER, MCP_SESSION_STORE } from './mcp.constants.js';
import { ConfigurableModuleClass, MCP_MODULE_OPTIONS } from './mcp.module-definition.js';
import { MCP_RESOLVED_OPTIONS, resolveMcpOptions } from './mcp-options.resolver.js';
import { McpServerFactory } from './server/mcp-server.factory.js';
import { McpSessionFactory } from './session/mcp-session.factory.js';
import { McpSessionManager } from './session/mcp-session.manager.js';
import { sessionStoreProvider } from './session/session-store.provider.js';
import { McpRequestHandler } from './transport/mcp-request.handler.js';

/**
 * Serves MCP over Streamable HTTP with sessions that survive restarts: every
 * `@Tool()` / `@OnSessionRestore()` method of the application's providers is discovered
 * at bootstrap, and sessions are persisted in the `MCP_SESSION_STORE`.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [McpModule.forRoot({ name: 'weather', version: '1.0.0' })],
 *   providers: [WeatherTools],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: MCP_RESOLVED_OPTIONS, useFactory: resolveMcpOptions, inject: [MCP_MODULE_OPTIONS] },
    sessionStoreProvider,
    McpMetadataAccessor,
    McpRegistry,
    McpExplorer,
    McpServerFactory,
    McpSessionFactory,
    McpSessionManager,
    { provide: MCP_SESSION_MANAGER, useExisting: McpSessionManager },
    McpRequestHandler,
  ],
  exports: [MCP_SESSION_STORE, MCP_SESSION_MANAGER, McpSessionManager],
})
export class McpModule extends ConfigurableModuleClass {}
