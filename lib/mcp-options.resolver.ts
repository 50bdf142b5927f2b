import type { Request } from 'express';
import { z } from 'zod';
import { DEFAULT_SESSION_TTL_MS, DEFAULT_SSE_RETRY_MS } from './mcp.constants.js';
import type {
  McpModuleOptions,
  ResolvedMcpOptions,
} from './interfaces/mcp-module-options.interface.js';

const isStoreLike = (value: unknown) =>
  typeof value === 'function' ||
  (typeof value === 'object' &&
    value !== null &&
    ['load', 'save', 'delete'].every(
      (m) => typeof (value as Record<string, unknown>)[m] === 'function',
    ));

/** The default `principal`: `req.user` as a string, or its `id`, `sub` or `username`. */
export function principalFromUser(req: Request): string | undefined {
  const user = (req as Request & { user?: unknown }).user;
  if (user === undefined || user === null) return undefined;
  if (typeof user === 'string' || typeof user === 'number') return String(user);
  const { id, sub, username } = user as Record<string, unknown>;
  const value = id ?? sub ?? username;
  return value === undefined || value === null ? undefined : String(value);
}

/** The longest delay a Node timer holds; a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay the module hands to a timer; 0 only where `allowZero` says it means "at once". */
const timerMs = (fallback: number, { allowZero = false } = {}) =>
  (allowZero ? z.number().int().nonnegative() : z.number().int().positive())
    .max(MAX_TIMER_MS, {
      message: `must be at most ${MAX_TIMER_MS} ms (about 24.8 days), the longest delay a Node timer holds`,
    })
    .default(fallback);

const optionsSchema = z.strictObject({
  name: z.string().min(1),
  version: z.string().min(1),
  instructions: z.string().optional(),
  sessionStore: z
    .custom((value) => value === undefined || isStoreLike(value), {
      message: 'must be a SessionStore instance (with load, save and delete methods) or a class',
    })
    .optional(),
  sessionTtlMs: z.number().int().positive().default(DEFAULT_SESSION_TTL_MS),
  enableJsonResponse: z.boolean().default(false),
  principal: z
    .custom<McpModuleOptions['principal']>((value) => typeof value === 'function', {
      message: 'must be a function (req) => string | undefined',
    })
    .default(() => principalFromUser),
  ttlRefreshFraction: z.number().gt(0).lt(1).default(0.25),
  revalidateIntervalMs: timerMs(1000),
  storeTimeoutMs: timerMs(2000),
  maxLiveSessions: z.number().int().positive().default(10_000),
  idleTimeoutMs: timerMs(5 * 60 * 1000),
  shutdownGraceMs: timerMs(10_000, { allowZero: true }),
  protocol: z.enum(['dual', 'legacy']).default('dual'),
  requestState: z
    .strictObject({
      verify: z.custom<(state: string) => unknown>((value) => typeof value === 'function', {
        message: 'must be a function (state) => unknown',
      }),
    })
    .optional(),
  eventStore: z
    .custom(
      (value) =>
        value === undefined ||
        value === false ||
        typeof value === 'function' ||
        (typeof value === 'object' &&
          value !== null &&
          ['storeEvent', 'replayEventsAfter', 'getStreamIdForEventId', 'deleteSession'].every(
            (m) => typeof (value as Record<string, unknown>)[m] === 'function',
          )),
      { message: 'must be an McpEventStore instance, a class, or false' },
    )
    .optional(),
  redis: z
    .strictObject({
      url: z.string().regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' }),
      keyPrefix: z.string().optional(),
      maxEventsPerSession: z.number().int().positive().optional(),
    })
    .optional(),
  sseRetryMs: z.number().int().nonnegative().default(DEFAULT_SSE_RETRY_MS),
  allowedHosts: z.array(z.string().min(1)).optional(),
  allowedOrigins: z.array(z.string().min(1)).optional(),
});

/**
 * Applies defaults and rejects invalid options at bootstrap, naming the option to fix.
 */
export function resolveMcpOptions(options: McpModuleOptions | undefined): ResolvedMcpOptions {
  if (!options || typeof options !== 'object') {
    throw new Error('McpModule: options are required, at least { name, version }');
  }
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `option "${issue.path.join('.') || '(root)'}" ${issue.message}`,
    );
    throw new Error(`McpModule: invalid options: ${problems.join('; ')}`);
  }
  return result.data as ResolvedMcpOptions;
}
