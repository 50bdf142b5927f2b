import { SetMetadata } from '@nestjs/common';
import { MCP_PROMPT_METADATA } from '../mcp.constants.js';
import type { PromptOptions } from '../interfaces/prompt-options.interface.js';

/**
 * Marks a provider method as an MCP prompt. The method receives the validated arguments
 * and an {@link McpRequestContext}; it may return a string (one user message) or a
 * `GetPromptResult`.
 *
 * @example
 * ```ts
 * @Prompt({
 *   description: 'Review a pull request',
 *   argsSchema: { repo: completable(z.string(), (typed) => REPOS.filter((r) => r.startsWith(typed))) },
 * })
 * review({ repo }: { repo: string }) {
 *   return `Review the open pull requests of ${repo}.`;
 * }
 * ```
 */
export const Prompt = (options: PromptOptions = {}): MethodDecorator =>
  SetMetadata(MCP_PROMPT_METADATA, options);
