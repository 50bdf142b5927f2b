import 'reflect-metadata';
import { Injectable, Module, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import {
  InMemorySessionStore,
  MCP_SESSION_MANAGER,
  McpExpressAdapter,
  McpModule,
  Tool,
  type McpModuleOptions,
  type McpSessionManager,
} from '../../lib/index.js';
import {
  EXTRA_TOOL_INPUT,
  TOOL_NAME,
  extraToolName,
  type RunningServer,
  type ServerConfig,
} from '../common.js';
import { CountingStore, KeyvRedisSessionStore, readmeRedisSetup, redisUrl } from '../stores.js';

@Injectable()
class BenchTools {
  @Tool({ name: TOOL_NAME, description: 'Echoes its text', inputSchema: { text: z.string() } })
  echo({ text }: { text: string }): string {
    return text;
  }
}

/** A provider with `count` tools like the echo tool, named by `extraToolName`. */
function extraToolsProvider(count: number): Type {
  class ExtraTools {}
  const proto = ExtraTools.prototype as unknown as Record<string, unknown>;
  for (let i = 0; i < count; i++) {
    const key = `extra${i}`;
    proto[key] = ({ text }: { text: string }) => text;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    Tool({ name: extraToolName(i), description: `Extra tool ${i}`, inputSchema: EXTRA_TOOL_INPUT })(
      proto,
      key,
      descriptor,
    );
  }
  Injectable()(ExtraTools);
  return ExtraTools;
}

/**
 * The module's imports for `config`, and the counted session store they give it (known
 * once the app is built: the README's setup builds its store in `forRootAsync`).
 */
function moduleSetup(config: ServerConfig): {
  imports: DynamicModule[];
  store: () => CountingStore;
} {
  const namespace = config.redisNamespace ?? 'bench-mcp';
  const options = {
    name: 'bench',
    version: '1.0.0',
    enableJsonResponse: config.json,
    ...(config.moduleOptions ?? {}),
  } as McpModuleOptions;
  if (config.store === 'cache-manager-redis') {
    let counted: CountingStore | undefined;
    const imports = readmeRedisSetup(redisUrl(), namespace, options, (store) => {
      counted = new CountingStore(store);
      return counted;
    });
    return { imports, store: () => counted! };
  }
  const inner =
    config.store === 'redis' || config.store === 'redis-bus'
      ? new KeyvRedisSessionStore(redisUrl(), namespace)
      : new InMemorySessionStore();
  if (config.store === 'redis-bus') options.redis = { url: redisUrl(), keyPrefix: `${namespace}:` };
  const counted = new CountingStore(inner);
  const imports = [McpModule.forRoot({ ...options, sessionStore: counted }) as DynamicModule];
  return { imports, store: () => counted };
}

/** (a) this module, in a Nest app on platform-express (with `McpExpressAdapter` unless told). */
export async function startModuleServer(config: ServerConfig): Promise<RunningServer> {
  const setup = moduleSetup(config);
  const providers = [
    BenchTools,
    ...(config.extraTools ? [extraToolsProvider(config.extraTools)] : []),
  ];
  @Module({ imports: setup.imports, providers })
  class BenchAppModule {}

  const adapter = config.nestExpressAdapter ? new ExpressAdapter() : new McpExpressAdapter();
  const app = await NestFactory.create(BenchAppModule, adapter, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const manager = app.get<McpSessionManager>(MCP_SESSION_MANAGER);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const store = setup.store();
  const { inner } = store;
  return {
    port,
    close: async () => {
      await app.close();
      if (inner instanceof KeyvRedisSessionStore) await inner.disconnect();
      if (inner instanceof InMemorySessionStore) inner.onModuleDestroy();
    },
    storeCounts: (reset) => store.take(reset),
    evict: async (ids) => {
      let evicted = 0;
      for (const id of ids) if (await manager.evict(id)) evicted++;
      return evicted;
    },
    liveCount: () => manager.liveCount,
    storeLoadLatencies: async (count) => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        await inner.load(randomUUID());
        latencies.push(performance.now() - started);
      }
      return latencies;
    },
  };
}
