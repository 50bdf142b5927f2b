import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  type ClientCapabilities,
  type InputRequest,
  type InputRequests,
  type InputRequiredResult,
  type InputResponseView,
} from '@modelcontextprotocol/server';
import type { McpRequestContext } from '../../lib/index.js';

/** The first protocol version without sessions (SEP-2575); dated versions sort as strings. */
const FIRST_STATELESS_VERSION = '2026-07-28';

/** One answer of the client to an input request. */
export type Answer = Exclude<InputResponseView, { kind: 'missing' }>;

/** The kind of answer each input request method expects. */
const ANSWER_KIND: Record<InputRequest['method'], Answer['kind']> = {
  'elicitation/create': 'elicit',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

/**
 * Whether the request is served statelessly (protocol 2026-07-28 or later): a handler
 * gets input by returning an input-required result, and the client retries with answers.
 */
export function isStateless(ctx: McpRequestContext): boolean {
  return ctx.protocolVersion !== undefined && ctx.protocolVersion >= FIRST_STATELESS_VERSION;
}

/**
 * What the client declared it can do: on 2026-07-28 in each request's `_meta`, on a
 * 2025 session at `initialize`.
 */
export function clientCapabilities(ctx: McpRequestContext): ClientCapabilities {
  if (!isStateless(ctx)) {
    return (ctx.server.server.getClientCapabilities() ?? {}) as ClientCapabilities;
  }
  type Body = { params?: { _meta?: Record<string, unknown> } } | undefined;
  const declared = (ctx.request.body as Body)?.params?._meta?.[CLIENT_CAPABILITIES_META_KEY];
  return typeof declared === 'object' && declared !== null ? (declared as ClientCapabilities) : {};
}

/** Sends one input request to a 2025 client, which answers it on the open session. */
function pushToClient(ctx: McpRequestContext, request: InputRequest): Promise<unknown> {
  switch (request.method) {
    case 'elicitation/create':
      return ctx.elicitInput(request.params as Parameters<McpRequestContext['elicitInput']>[0]);
    case 'sampling/createMessage':
      return ctx.createMessage(request.params as Parameters<McpRequestContext['createMessage']>[0]);
    case 'roots/list':
      // The SDK checks the other two capabilities itself.
      if (!clientCapabilities(ctx).roots) {
        return Promise.reject(new Error('The client did not declare the "roots" capability'));
      }
      return ctx.server.server.listRoots();
  }
}

export interface AskOptions {
  /** The `requestState` of the round that asks (2026-07-28 only). */
  requestState?: string;
  /**
   * Disregards the answers the request carries: they do not continue a flow this server
   * started (the round that asked for them carried a `requestState` the retry lacks).
   */
  ignoreAnswers?: boolean;
}

/** The client's answers, by key, or the input-required result that asks for the rest. */
export type Asked =
  | { answers: Record<string, Answer>; pending?: undefined }
  | { answers?: undefined; pending: InputRequiredResult };

/**
 * Gets the client's answers to `requests`. On 2026-07-28 they come with the retried
 * request (`inputResponses`): an answer missing, malformed or of the wrong kind makes
 * `pending` the input-required result that asks for it again; extra answers are ignored.
 * A 2025 client is asked now, one request after the other, on its session.
 */
export async function askClient(
  ctx: McpRequestContext,
  requests: InputRequests,
  options: AskOptions = {},
): Promise<Asked> {
  const answers: Record<string, Answer> = {};
  if (!isStateless(ctx)) {
    for (const [key, request] of Object.entries(requests)) {
      const view = inputResponse({ [key]: await pushToClient(ctx, request) }, key);
      if (view.kind === 'missing') throw new Error(`The client's answer to '${key}' is malformed`);
      answers[key] = view;
    }
    return { answers };
  }
  const missing: InputRequests = {};
  const responses = options.ignoreAnswers ? undefined : (ctx.inputResponses ?? undefined);
  for (const [key, request] of Object.entries(requests)) {
    const view = inputResponse(responses, key);
    if (view.kind === ANSWER_KIND[request.method]) answers[key] = view as Answer;
    else missing[key] = request;
  }
  if (Object.keys(missing).length === 0) return { answers };
  return {
    pending: inputRequired({ inputRequests: missing, requestState: options.requestState }),
  };
}

/** A field of an accepted elicitation, as text (`undefined` when declined or absent). */
export function acceptedField(answer: Answer | undefined, field: string): string | undefined {
  if (answer?.kind !== 'elicit' || answer.action !== 'accept') return undefined;
  const value = answer.content?.[field];
  return value === undefined ? undefined : String(value);
}

/** The text the client's model sampled. */
export function sampledText(answer: Answer | undefined): string | undefined {
  if (answer?.kind !== 'sampling') return undefined;
  const blocks = [answer.result.content].flat();
  return blocks.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('');
}

/** The URIs of the roots the client listed. */
export function rootUris(answer: Answer | undefined): string[] {
  return answer?.kind === 'roots' ? answer.roots.map((root) => root.uri) : [];
}

/** An elicitation answer in words, for the text of a result. */
export function describeAnswer(answer: Answer | undefined, field: string): string {
  if (answer?.kind !== 'elicit') return 'no answer';
  return answer.action === 'accept' ? `${field}=${acceptedField(answer, field)}` : answer.action;
}
