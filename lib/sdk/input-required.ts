import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { SdkRequestExtra } from './request-context.factory.js';

/** A handler's answer that asks the client for input first (multi-round-trip, 2026-07-28). */
export interface InputRequiredAnswer {
  resultType: 'input_required';
  inputRequests?: Record<string, { method: string; params?: Record<string, unknown> }>;
  requestState?: string;
}

export const isInputRequired = (result: unknown): result is InputRequiredAnswer =>
  typeof result === 'object' &&
  result !== null &&
  (result as { resultType?: unknown }).resultType === 'input_required';

/** The 2025 requests an input request becomes, by method, with the schema of the answer. */
const RESULT_SCHEMAS = {
  'elicitation/create': ElicitResultSchema,
  'sampling/createMessage': CreateMessageResultSchema,
  'roots/list': ListRootsResultSchema,
} as const;

/** Rounds a 2025 request may take before the handler is taken to loop. */
const MAX_ROUNDS = 8;

/**
 * Serves an input-required answer to a 2025 client, which knows no such result: each
 * input request goes to the client as the 2025 request it names (elicitation, sampling,
 * roots), on the request's own stream, and the handler runs again with the answers in
 * `inputResponses` and its `requestState`, until it returns a result. So one handler
 * written for 2026-07-28 serves both eras.
 */
export async function resolveInputRequired(
  server: McpServer,
  extra: SdkRequestExtra,
  first: InputRequiredAnswer,
  run: (inputResponses: Record<string, unknown>, requestState?: string) => Promise<unknown>,
): Promise<unknown> {
  let result: unknown = first;
  for (let round = 0; isInputRequired(result); round++) {
    if (round === MAX_ROUNDS) {
      throw new Error(`The handler still asks for input after ${MAX_ROUNDS} rounds`);
    }
    const responses: Record<string, unknown> = {};
    for (const [key, request] of Object.entries(result.inputRequests ?? {})) {
      const schema = RESULT_SCHEMAS[request.method as keyof typeof RESULT_SCHEMAS];
      if (!schema) throw new Error(`Input request "${key}": unknown method ${request.method}`);
      responses[key] = await server.server.request(
        { method: request.method, params: request.params } as never,
        schema,
        { relatedRequestId: extra.requestId, signal: extra.signal },
      );
    }
    result = await run(responses, result.requestState);
  }
  return result;
}
