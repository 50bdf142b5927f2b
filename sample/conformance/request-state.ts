import { randomBytes } from 'node:crypto';
import { createRequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';
import type { McpRequestContext } from '../../lib/index.js';

/** What a `requestState` of this fixture carries: the tool that minted it, and its data. */
interface SealedState {
  tool: string;
  data: unknown;
}

/**
 * Signs request states with HMAC-SHA256 (the SDK's codec: signed, not encrypted; valid
 * ten minutes). `CONFORMANCE_REQUEST_STATE_KEY` (32 bytes or more) shares the key between
 * instances behind a load balancer; by default each process draws its own.
 */
const codec = createRequestStateCodec<SealedState>({
  key: process.env.CONFORMANCE_REQUEST_STATE_KEY ?? randomBytes(32),
  ttlSeconds: 600,
});

/** The codec binds states to no context, so its `verify` reads none. */
const UNBOUND = undefined as unknown as ServerContext;

/** An echoed `requestState` that fails verification: tampered, forged, expired, or misused. */
export class InvalidRequestStateError extends Error {
  constructor(tool: string) {
    super(`Invalid or expired requestState: it failed the integrity check of ${tool}`);
    this.name = 'InvalidRequestStateError';
  }
}

/** Seals `data` into the `requestState` of a round of `tool`. */
export function sealState(tool: string, data: unknown = {}): Promise<string> {
  return codec.mint({ tool, data });
}

/**
 * The data sealed into the `requestState` the client echoed, once verified; `undefined`
 * when there is none (a first round, or a 2025 session, which has no request state).
 *
 * @throws InvalidRequestStateError when the state was tampered with, forged, has
 *   expired, or was minted for another tool. A tool that throws answers with an error
 *   result (`isError`), not a JSON-RPC error: only a `requestState.verify` hook of the v2
 *   server, which runs before the handler, answers `-32602`, and the module sets none.
 */
export async function openState<T>(ctx: McpRequestContext, tool: string): Promise<T | undefined> {
  if (ctx.requestState === undefined) return undefined;
  let sealed: SealedState;
  try {
    sealed = await codec.verify(ctx.requestState, UNBOUND);
  } catch {
    throw new InvalidRequestStateError(tool);
  }
  if (sealed.tool !== tool) throw new InvalidRequestStateError(tool);
  return sealed.data as T;
}

/** The module's `requestState.verify`: refuses, before any handler runs, a state not sealed here. */
export const verifyRequestState = (state: string): Promise<unknown> => codec.verify(state, UNBOUND);
