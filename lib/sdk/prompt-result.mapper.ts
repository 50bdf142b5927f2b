import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';

const isGetPromptResult = (value: unknown): value is GetPromptResult =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { messages?: unknown }).messages);

/** Turns what a `@Prompt()` method returned into a `GetPromptResult`. */
export function toGetPromptResult(value: unknown, name: string): GetPromptResult {
  if (isGetPromptResult(value)) return value;
  if (typeof value === 'string') {
    return { messages: [{ role: 'user', content: { type: 'text', text: value } }] };
  }
  throw new Error(`prompt ${name}: a handler must return a string or a GetPromptResult`);
}
