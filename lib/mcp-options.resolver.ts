import { z } from 'zod';
import { DEFAULT_SESSION_TTL_MS } from './mcp.constants.js';
import type { McpModuleOptions } from './interfaces/mcp-module-options.interface.js';

/** Options with every default applied; what the module's providers read. */
export type ResolvedMcpOptions = Omit<Required<McpModuleOptions>, 'instructions' | 'sessionStore'> &
  Pick<McpModuleOptions, 'instructions' | 'sessionStore'>;

export const MCP_RESOLVED_OPTIONS = 'MCP_RESOLVED_OPTIONS';

const isStoreLike = (value: unknown) =>
  typeof value === 'function' ||
  (typeof value === 'object' &&
    value !== null &&
    ['load', 'save', 'delete'].every(
      (m) => typeof (value as Record<string, unknown>)[m] === 'function',
    ));

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
