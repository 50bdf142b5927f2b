import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const isContentBlock = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { type?: unknown }).type === 'string';

/**
 * Whether a tool returned a finished result. With an output schema, the tool's own data
 * may have a `content` field, so a finished result is one that carries its structured
 * content or is an error (the SDK refuses any other then anyway).
 */
function isCallToolResult(value: unknown, hasOutputSchema: boolean): value is CallToolResult {
  if (typeof value !== 'object' || value === null) return false;
  const { content, structuredContent, isError } = value as Partial<CallToolResult>;
  if (!Array.isArray(content) || !content.every(isContentBlock)) return false;
  return !hasOutputSchema || structuredContent !== undefined || isError === true;
}

/**
 * Turns what a `@Tool()` method returned into a `CallToolResult`: strings become text
 * content, results pass through, and with an output schema a plain object becomes the
 * structured content (with its JSON as text, for clients that ignore structure).
 */
export function toCallToolResult(value: unknown, hasOutputSchema: boolean): CallToolResult {
  if (isCallToolResult(value, hasOutputSchema)) return value;
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
