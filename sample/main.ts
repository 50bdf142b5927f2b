import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { McpExpressAdapter } from '../lib/index.js';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, new McpExpressAdapter());
  app.enableShutdownHooks();
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, host);
  const store = process.env.REDIS_URL ? 'Redis' : 'a local file';
  Logger.log(`MCP server on http://${host}:${port}/mcp (sessions stored in ${store})`, 'Sample');
}

void bootstrap();
