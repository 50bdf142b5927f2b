import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule, ModulesContainer } from '@nestjs/core';
import { McpMetadataAccessor } from './discovery/mcp-metadata.accessor.js';
import { McpExplorer } from './discovery/mcp.explorer.js';
import { McpRegistry } from './discovery/mcp.registry.js';
import { eventStoreProvider } from './events/event-store.provider.js';
import { MCP_EVENT_STORE, MCP_SESSION_MANAGER, MCP_SESSION_STORE } from './mcp.constants.js';
import { ConfigurableModuleClass, MCP_MODULE_OPTIONS } from './mcp.module-definition.js';
import { MCP_RESOLVED_OPTIONS, resolveMcpOptions } from './mcp-options.resolver.js';
import { DnsRebindingMiddleware } from './security/dns-rebinding.middleware.js';
import { controllersOf } from './security/mcp-controllers.js';
import { McpServerFactory } from './server/mcp-server.factory.js';
import { McpResourceSubscriptions } from './server/resource-subscriptions.js';
import { McpSessionFactory } from './session/mcp-session.factory.js';
import { McpSessionManager } from './session/mcp-session.manager.js';
import { SessionRecordRepository } from './session/session-record.repository.js';
import { SessionRestoreNotifier } from './session/session-restore.notifier.js';
import { sessionStoreProvider } from './session/session-store.provider.js';
import { McpBodyErrorHandler } from './transport/mcp-body-error.handler.js';
import { McpRequestHandler } from './transport/mcp-request.handler.js';

/**
 * Serves MCP over Streamable HTTP with sessions that survive restarts: every `@Tool()`,
 * `@Resource()`, `@ResourceTemplate()`, `@Prompt()` and `@OnSessionRestore()` method of
 * the application's providers is discovered at bootstrap, sessions are persisted in the
 * `MCP_SESSION_STORE`, and SSE events kept in the `MCP_EVENT_STORE` for resumption.
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
    eventStoreProvider,
    McpResourceSubscriptions,
    McpMetadataAccessor,
    McpRegistry,
    McpExplorer,
    McpServerFactory,
    McpSessionFactory,
    SessionRecordRepository,
    SessionRestoreNotifier,
    McpSessionManager,
    { provide: MCP_SESSION_MANAGER, useExisting: McpSessionManager },
    McpRequestHandler,
    McpBodyErrorHandler,
  ],
  exports: [
    MCP_MODULE_OPTIONS,
    MCP_SESSION_STORE,
    MCP_SESSION_MANAGER,
    McpSessionManager,
    MCP_EVENT_STORE,
    McpResourceSubscriptions,
  ],
})
export class McpModule extends ConfigurableModuleClass implements NestModule {
  constructor(private readonly modules: ModulesContainer) {
    super();
  }

  /** Applies DNS-rebinding protection (`allowedHosts` / `allowedOrigins`) to this endpoint. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DnsRebindingMiddleware).forRoutes(...controllersOf(this, this.modules));
  }
}
