import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { DiscoveryModule, ModulesContainer } from '@nestjs/core';
import { DnsRebindingMiddleware } from './http/dns-rebinding.middleware.js';
import { controllersOf } from './http/mcp-controllers.js';
import {
  MCP_EVENT_STORE,
  MCP_MODULE_OPTIONS,
  MCP_SESSION_MANAGER,
  MCP_SESSION_STORE,
} from './mcp.constants.js';
import { ConfigurableModuleClass } from './mcp.module-definition.js';
import { MCP_PROVIDERS } from './mcp.providers.js';
import { McpResourceSubscriptions } from './sdk/resource-subscriptions.js';
import { McpListChanges } from './session/mcp-list-changes.js';
import { McpSessionManager } from './session/mcp-session.manager.js';

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
  providers: MCP_PROVIDERS,
  exports: [
    MCP_MODULE_OPTIONS,
    MCP_SESSION_STORE,
    MCP_SESSION_MANAGER,
    McpSessionManager,
    MCP_EVENT_STORE,
    McpResourceSubscriptions,
    McpListChanges,
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
