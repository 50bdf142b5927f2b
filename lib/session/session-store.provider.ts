import type { Provider, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MCP_SESSION_STORE } from '../mcp.constants.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { InMemorySessionStore } from './in-memory-session.store.js';

/** `MCP_SESSION_STORE` from the `sessionStore` option: an instance, a class, or the in-memory default. */
export const sessionStoreProvider: Provider = {
  provide: MCP_SESSION_STORE,
  inject: [MCP_RESOLVED_OPTIONS, ModuleRef],
  useFactory: async (options: ResolvedMcpOptions, moduleRef: ModuleRef): Promise<SessionStore> => {
    const { sessionStore } = options;
    if (sessionStore === undefined) return new InMemorySessionStore();
    if (typeof sessionStore !== 'function') return sessionStore;
    try {
      return await moduleRef.create(sessionStore as Type<SessionStore>);
    } catch (error) {
      throw new Error(
        `McpModule: option "sessionStore" could not be instantiated (${sessionStore.name}): ` +
          `${error instanceof Error ? error.message : String(error)}. Make its dependencies available ` +
          'to McpModule (a global module, or `imports` of forRootAsync), or pass an instance.',
        { cause: error },
      );
    }
  },
};
