import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import type { AddressInfo } from 'node:net';
import { McpController, McpStrategy, StreamableHttpTransport, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';
import { TOOL_NAME, type RunningServer, type ServerConfig } from '../common.js';

@McpController()
class BenchToolsController {
  @Tool({
    name: TOOL_NAME,
    description: 'Echoes its text',
    parameters: z.object({ text: z.string() }),
  })
  echo(@Payload() { text }: { text: string }) {
    return { content: [{ type: 'text', text }] };
  }
}

/** (c) `@rekog/mcp-nest` 2.0.x in stateful mode, on platform-express. */
export async function startMcpNestServer(config: ServerConfig): Promise<RunningServer> {
  const strategy = new McpStrategy({
    name: 'bench',
    version: '1.0.0',
    transports: [
      new StreamableHttpTransport({ statefulMode: true, enableJsonResponse: config.json }),
    ],
  });

  @Module({ controllers: [BenchToolsController] })
  class McpNestBenchModule {}

  const app = await NestFactory.create(McpNestBenchModule, { logger: ['error'] });
  strategy.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { port, close: () => app.close() };
}
