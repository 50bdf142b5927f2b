import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MCP_EVENT_STORE } from '../mcp.constants.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import { createOptionInstance } from '../utils/option-instance.util.js';
import { InMemoryEventStore } from './in-memory-event.store.js';
import type { McpEventStore } from './mcp-event-store.interface.js';

/**
 * Provides `MCP_EVENT_STORE` from the `eventStore` option: an instance, a class to
 * instantiate, `false` (no resumability: `null`), or by default an {@link InMemoryEventStore}.
 * JSON response mode has no streams to resume, so there it is always `null`.
 */
export const eventStoreProvider: Provider = {
  provide: MCP_EVENT_STORE,
  inject: [MCP_RESOLVED_OPTIONS, ModuleRef],
  useFactory: async (
    options: ResolvedMcpOptions,
    moduleRef: ModuleRef,
  ): Promise<McpEventStore | null> => {
    const { eventStore } = options;
    if (eventStore === false || options.enableJsonResponse) return null;
    if (eventStore === undefined) return new InMemoryEventStore();
    if (typeof eventStore !== 'function') return eventStore;
    return createOptionInstance(moduleRef, 'eventStore', eventStore as Type<McpEventStore>);
  },
};
