import { randomBytes } from 'node:crypto';
import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { McpMetadataAccessor } from './discovery/mcp-metadata.accessor.js';
import { McpExplorer } from './discovery/mcp.explorer.js';
import { McpRegistry } from './discovery/mcp.registry.js';
import { McpBodyErrorHandler } from './http/mcp-body-error.handler.js';
import { McpRequestHandler } from './http/mcp-request.handler.js';
import type { McpEventStore } from './interfaces/mcp-event-store.interface.js';
import type { ResolvedMcpOptions } from './interfaces/mcp-module-options.interface.js';
import type { SessionStore } from './interfaces/session-store.interface.js';
import type { SessionBus } from './interfaces/session-bus.interface.js';
import {
  MCP_EVENT_STORE,
  MCP_INSTANCE_ID,
  MCP_MODULE_OPTIONS,
  MCP_REDIS,
  MCP_RESOLVED_OPTIONS,
  MCP_SESSION_BUS,
  MCP_SESSION_MANAGER,
  MCP_SESSION_STORE,
  MCP_SUBSCRIBER_INDEX,
} from './mcp.constants.js';
import { resolveMcpOptions } from './mcp-options.resolver.js';
import { McpServerFactory } from './sdk/mcp-server.factory.js';
import { ModernEndpoint } from './sdk/modern/modern-endpoint.js';
import { McpResourceSubscriptions } from './sdk/resource-subscriptions.js';
import { SessionChannelFactory } from './sdk/session-channel.factory.js';
import { LiveSessions } from './session/live-sessions.js';
import { McpSessionManager } from './session/mcp-session.manager.js';
import { LocalChanges } from './session/local-changes.js';
import { McpListChanges } from './session/mcp-list-changes.js';
import { SessionBusRelay } from './session/session-bus.relay.js';
import { SessionMaintenance } from './session/session-maintenance.js';
import { SessionRecordRepository } from './session/session-record.repository.js';
import { SessionRestoreNotifier } from './session/session-restore.notifier.js';
import { SessionRestorer } from './session/session-restorer.js';
import { SessionRevalidator } from './session/session.revalidator.js';
import { InMemoryEventStore } from './stores/in-memory-event.store.js';
import { InMemorySessionStore } from './stores/in-memory-session.store.js';
import { RedisConnection } from './stores/redis-connection.js';
import { RedisEventStore } from './stores/redis-event.store.js';
import { RedisSubscriberIndex } from './stores/redis-subscriber.index.js';
import { RedisSessionBus } from './stores/redis-session.bus.js';
import { createOptionInstance } from './utils/option-instance.util.js';

/** `MCP_SESSION_STORE` from the `sessionStore` option: an instance, a class, or the in-memory default. */
const sessionStoreProvider: Provider = {
  provide: MCP_SESSION_STORE,
  inject: [MCP_RESOLVED_OPTIONS, ModuleRef],
  useFactory: async (options: ResolvedMcpOptions, moduleRef: ModuleRef): Promise<SessionStore> => {
    const { sessionStore } = options;
    if (sessionStore === undefined) return new InMemorySessionStore();
    if (typeof sessionStore !== 'function') return sessionStore;
    return createOptionInstance(moduleRef, 'sessionStore', sessionStore as Type<SessionStore>);
  },
};

/** `MCP_REDIS`: the connection of the `redis` option, or `null`. */
const redisProvider: Provider = {
  provide: MCP_REDIS,
  inject: [MCP_RESOLVED_OPTIONS],
  useFactory: async ({ redis, storeTimeoutMs }: ResolvedMcpOptions) =>
    redis ? RedisConnection.open({ url: redis.url, timeoutMs: storeTimeoutMs }) : null,
};

/** `MCP_SESSION_BUS`: Redis pub/sub with the `redis` option, else `null`. */
const sessionBusProvider: Provider = {
  provide: MCP_SESSION_BUS,
  inject: [MCP_RESOLVED_OPTIONS, MCP_REDIS, MCP_INSTANCE_ID],
  useFactory: (
    options: ResolvedMcpOptions,
    redis: RedisConnection | null,
    instanceId: string,
  ): SessionBus | null =>
    redis ? new RedisSessionBus(redis, options.redis?.keyPrefix, instanceId) : null,
};

/** `MCP_SUBSCRIBER_INDEX`: in Redis with the `redis` option, else `null`. */
const subscriberIndexProvider: Provider = {
  provide: MCP_SUBSCRIBER_INDEX,
  inject: [MCP_RESOLVED_OPTIONS, MCP_REDIS],
  useFactory: (options: ResolvedMcpOptions, redis: RedisConnection | null) =>
    redis ? new RedisSubscriberIndex(redis, options.redis?.keyPrefix) : null,
};

/**
 * `MCP_EVENT_STORE` from the `eventStore` option: an instance, a class to instantiate,
 * `false` (no resumability: `null`), or by default a {@link RedisEventStore} with the
 * `redis` option and an {@link InMemoryEventStore} without. JSON response mode has no
 * streams to resume, so there it is always `null`.
 */
const eventStoreProvider: Provider = {
  provide: MCP_EVENT_STORE,
  inject: [MCP_RESOLVED_OPTIONS, ModuleRef, MCP_REDIS, MCP_INSTANCE_ID],
  useFactory: async (
    options: ResolvedMcpOptions,
    moduleRef: ModuleRef,
    redis: RedisConnection | null,
    instanceId: string,
  ): Promise<McpEventStore | null> => {
    const { eventStore } = options;
    if (eventStore === false || options.enableJsonResponse) return null;
    if (eventStore === undefined && redis) {
      const { keyPrefix, maxEventsPerSession } = options.redis ?? {};
      return new RedisEventStore(redis, {
        keyPrefix,
        maxEventsPerSession,
        ttlMs: options.sessionTtlMs,
        instanceId,
      });
    }
    if (eventStore === undefined) return new InMemoryEventStore();
    if (typeof eventStore !== 'function') return eventStore;
    return createOptionInstance(moduleRef, 'eventStore', eventStore as Type<McpEventStore>);
  },
};

/**
 * Drops from memory the live sessions it finds gone from the store, and tells the other
 * instances (with the `redis` option), so that an expired session leaves every instance
 * once one of them has seen it go.
 */
const revalidatorProvider: Provider = {
  provide: SessionRevalidator,
  inject: [SessionRecordRepository, MCP_RESOLVED_OPTIONS, LiveSessions, SessionBusRelay],
  useFactory: (
    records: SessionRecordRepository,
    options: ResolvedMcpOptions,
    live: LiveSessions,
    relay: SessionBusRelay,
  ) =>
    new SessionRevalidator(records, options, async ({ session }) => {
      await live.drop(session);
      await relay.publishDeleted(session.id);
    }),
};

/** Every provider of `McpModule`. */
export const MCP_PROVIDERS: Provider[] = [
  { provide: MCP_INSTANCE_ID, useFactory: () => randomBytes(6).toString('base64url') },
  { provide: MCP_RESOLVED_OPTIONS, useFactory: resolveMcpOptions, inject: [MCP_MODULE_OPTIONS] },
  sessionStoreProvider,
  redisProvider,
  sessionBusProvider,
  subscriberIndexProvider,
  eventStoreProvider,
  // discovery
  McpMetadataAccessor,
  McpRegistry,
  McpExplorer,
  // sdk
  McpResourceSubscriptions,
  McpServerFactory,
  ModernEndpoint,
  SessionChannelFactory,
  // session
  SessionRecordRepository,
  SessionRestoreNotifier,
  LiveSessions,
  revalidatorProvider,
  SessionRestorer,
  SessionMaintenance,
  LocalChanges,
  SessionBusRelay,
  McpListChanges,
  McpSessionManager,
  { provide: MCP_SESSION_MANAGER, useExisting: McpSessionManager },
  // http
  McpRequestHandler,
  McpBodyErrorHandler,
];
