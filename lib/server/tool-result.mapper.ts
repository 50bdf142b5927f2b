import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const isCallToolResult = (value: unknown): value is CallToolResult =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { content?: unknown }).content);

/**
 * Turns what a `@Tool()` method returned into a `CallToolResult`: strings become text
 * content, results pass through, and with an output schema a plain object becomes the
 * structured content (with its JSON as text, for clients that ignore structure).
 */
export function toCallToolResult(value: unknown, hasOutputSchema: boolean): CallToolResult {
  if (isCallToolResult(value)) return value;
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (value === undefined || value === null) return { content: [] };
  const text = JSON.stringify(value);
  if (hasOutputSchema && typeof value === 'object' && !Array.isArray(value)) {
    return {
      content: [{ type: 'text', text }],
      structuredContent: value as Record<string, unknown>,
    };
  }
  return { content: [{ type: 'text', text }] };
}
