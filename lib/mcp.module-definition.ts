import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MCP_PATH } from './mcp.constants.js';
import type {
  McpModuleExtras,
  McpModuleOptions,
} from './interfaces/mcp-module-options.interface.js';
import { createMcpController } from './transport/mcp.controller.js';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: MCP_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<McpModuleOptions>({ moduleName: 'Mcp' })
  .setClassMethodName('forRoot')
  .setExtras<McpModuleExtras>(
    { path: DEFAULT_MCP_PATH, isGlobal: false, extraProviders: [] },
    (definition, extras) => {
      const extraProviders = extras.extraProviders ?? [];
      return {
        ...definition,
        global: extras.isGlobal ?? false,
        controllers: [createMcpController(extras.path ?? DEFAULT_MCP_PATH)],
        // Dynamic providers come after the module's own, so these override the defaults.
        providers: [...(definition.providers ?? []), ...extraProviders],
      };
    },
  )
  .build();
