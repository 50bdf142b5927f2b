import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConformanceModule } from './conformance.module.js';

/** Serves the conformance fixture on http://localhost:$PORT/mcp (default 3001). */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(ConformanceModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3001);
  await app.listen(port, '127.0.0.1');
  console.log(`conformance fixture listening on http://localhost:${port}/mcp`);
}

void bootstrap();
