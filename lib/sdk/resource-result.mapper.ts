import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

const isReadResourceResult = (value: unknown): value is ReadResourceResult =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as { contents?: unknown }).contents);

/**
 * Turns what a `@Resource()` / `@ResourceTemplate()` method returned into a
 * `ReadResourceResult`: a string becomes text content, bytes become a base64 blob, and
 * results pass through.
 */
export function toReadResourceResult(
  value: unknown,
  uri: URL,
  mimeType: string | undefined,
): ReadResourceResult {
  if (isReadResourceResult(value)) return value;
  const base = { uri: uri.href, ...(mimeType ? { mimeType } : {}) };
  if (typeof value === 'string') return { contents: [{ ...base, text: value }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ ...base, blob: Buffer.from(value).toString('base64') }] };
  }
  throw new Error(
    `resource ${uri.href}: a handler must return a string, a Uint8Array or a ReadResourceResult`,
  );
}
