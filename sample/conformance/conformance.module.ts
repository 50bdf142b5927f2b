import { createKeyv } from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { CacheManagerSessionStore, McpModule } from '../../lib/index.js';
import { ConformanceContentTools } from './conformance-content.tools.js';
import { ConformanceInputRequiredTools } from './conformance-input-required.tools.js';
import { ConformanceInteractionTools } from './conformance-interaction.tools.js';
import { ConformanceRequestStateTools } from './conformance-request-state.tools.js';
import { ConformanceStatelessTools } from './conformance-stateless.tools.js';
import { ConformancePrompts } from './conformance.prompts.js';
import { ConformanceResources } from './conformance.resources.js';
import { verifyRequestState } from './request-state.js';
import { ConformanceListChangesTools } from './conformance-list-changes.tools.js';

/** `SHUTDOWN_GRACE_MS` shortens the drain at shutdown (the drain tests set it). */
const shutdownGraceMs = process.env.SHUTDOWN_GRACE_MS
  ? Number(process.env.SHUTDOWN_GRACE_MS)
  : undefined;

/**
 * `CONFORMANCE_REDIS_URL` makes instances of the fixture share sessions and the bus in
 * that Redis (under `CONFORMANCE_NAMESPACE`), to run the suite through a load balancer.
 */
const redisUrl = process.env.CONFORMANCE_REDIS_URL;
const namespace = process.env.CONFORMANCE_NAMESPACE ?? 'mcp-conformance';
const sharedSessions = redisUrl
  ? {
      imports: [
        CacheModule.register({
          isGlobal: true,
          stores: [createKeyv(redisUrl, { namespace, throwOnErrors: true })],
        }),
      ],
      options: {
        sessionStore: CacheManagerSessionStore,
        redis: { url: redisUrl, keyPrefix: `${namespace}:` },
      },
    }
  : { imports: [], options: {} };

/**
 * The surface the official MCP conformance suite (`@modelcontextprotocol/conformance`)
 * expects of a server, built only with this module's decorators.
 */
@Module({
  imports: [
    ...sharedSessions.imports,
    McpModule.forRoot({
      name: 'mcp-conformance-test-server',
      version: '1.0.0',
      shutdownGraceMs,
      requestState: { verify: verifyRequestState },
      ...sharedSessions.options,
    }),
  ],
  providers: [
    ConformanceContentTools,
    ConformanceInteractionTools,
    ConformanceInputRequiredTools,
    ConformanceRequestStateTools,
    ConformanceStatelessTools,
    ConformanceListChangesTools,
    ConformanceResources,
    ConformancePrompts,
  ],
})
export class ConformanceModule {}
