import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MCP_PATH, MCP_MODULE_OPTIONS, MCP_PATH } from './mcp.constants.js';
import type {
  McpModuleExtras,
  McpModuleOptions,
} from './interfaces/mcp-module-options.interface.js';
import { createMcpController } from './http/mcp.controller.js';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<McpModuleOptions>({
    moduleName: 'Mcp',
    optionsInjectionToken: MCP_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setExtras<McpModuleExtras>(
      { path: DEFAULT_MCP_PATH, isGlobal: false, extraProviders: [] },
      (definition, extras) => {
        const extraProviders = extras.extraProviders ?? [];
        const path = `/${(extras.path ?? DEFAULT_MCP_PATH).replace(/^\/+|\/+$/g, '')}`;
        return {
          ...definition,
          global: extras.isGlobal ?? false,
          controllers: [createMcpController(path)],
          providers: [
            ...(definition.providers ?? []),
            { provide: MCP_PATH, useValue: path },
            // After the module's own providers, so these can replace the defaults.
            ...extraProviders,
          ],
        };
      },
    )
    .build();
