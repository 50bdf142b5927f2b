import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MCP_SESSION_STORE } from '../mcp.constants.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { createOptionInstance } from '../utils/option-instance.util.js';
import { InMemorySessionStore } from './in-memory-session.store.js';

/** `MCP_SESSION_STORE` from the `sessionStore` option: an instance, a class, or the in-memory default. */
export const sessionStoreProvider: Provider = {
  provide: MCP_SESSION_STORE,
  inject: [MCP_RESOLVED_OPTIONS, ModuleRef],
  useFactory: async (options: ResolvedMcpOptions, moduleRef: ModuleRef): Promise<SessionStore> => {
    const { sessionStore } = options;
    if (sessionStore === undefined) return new InMemorySessionStore();
    if (typeof sessionStore !== 'function') return sessionStore;
    return createOptionInstance(moduleRef, 'sessionStore', sessionStore as Type<SessionStore>);
  },
};
