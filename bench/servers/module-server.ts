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
import { CountingStore, KeyvRedisSessionStore, redisUrl } from '../stores.js';

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

/** (a) this module, in a Nest app on platform-express (with `McpExpressAdapter` unless told). */
export async function startModuleServer(config: ServerConfig): Promise<RunningServer> {
  const inner =
    config.store === 'redis'
      ? new KeyvRedisSessionStore(redisUrl(), config.redisNamespace ?? 'bench-mcp')
      : new InMemorySessionStore();
  const store = new CountingStore(inner);
  const options = {
    name: 'bench',
    version: '1.0.0',
    enableJsonResponse: config.json,
    sessionStore: store,
    ...(config.moduleOptions ?? {}),
  } as McpModuleOptions;

  const providers = [
    BenchTools,
    ...(config.extraTools ? [extraToolsProvider(config.extraTools)] : []),
  ];
  @Module({ imports: [McpModule.forRoot(options) as DynamicModule], providers })
  class BenchAppModule {}

  const adapter = config.nestExpressAdapter ? new ExpressAdapter() : new McpExpressAdapter();
  const app = await NestFactory.create(BenchAppModule, adapter, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const manager = app.get<McpSessionManager>(MCP_SESSION_MANAGER);
  const { port } = app.getHttpServer().address() as AddressInfo;
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
