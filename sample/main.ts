import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { McpExpressAdapter } from '../lib/index.js';
import { AppModule } from './app.module.js';
import { mcpCors } from './mcp-cors.options.js';

/** `CORS_ORIGIN`: comma-separated web origins whose pages may call the endpoint. */
function corsOrigins(): string[] {
  return (process.env.CORS_ORIGIN ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, new McpExpressAdapter());
  app.enableShutdownHooks();
  const origins = corsOrigins();
  if (origins.length > 0) {
    // The README's "Browser clients" recipe. The module's Origin check must allow these
    // origins too: on loopback, as the sample listens by default, it allows any loopback one.
    app.enableCors(mcpCors(origins));
  }
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, host);
  const store = process.env.REDIS_URL ? 'Redis' : 'a local file';
  const cors = origins.length > 0 ? `, CORS for ${origins.join(', ')}` : '';
  Logger.log(
    `MCP server on http://${host}:${port}/mcp (sessions stored in ${store}${cors})`,
    'Sample',
  );
}

void bootstrap();
