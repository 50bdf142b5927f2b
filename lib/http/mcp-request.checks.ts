import type { Request } from 'express';
import type { JsonRpcId } from '../errors/json-rpc-error.body.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { requestIdIn } from '../utils/json-rpc-id.util.js';
import {
  InitializeRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type InitializeRequest,
} from '../sdk/protocol.js';

const SESSION_HEADER = 'mcp-session-id';
const PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';
/** Session ids are visible ASCII (spec); anything else cannot be one of ours. */
const SESSION_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;

/** The JSON-RPC messages of a POST body, a batch or one message. */
export const messagesOf = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

/** By method only: an `initialize` with bad params must still be answered as one. */
export const isInitialize = (message: unknown): boolean =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'initialize';

/** The id of a single JSON-RPC message, to answer a refusal of it with. */
export const requestIdOf = (body: unknown): JsonRpcId =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body
    ? ((body as { id: JsonRpcId }).id ?? null)
    : null;

/** Whether the request carries a body (as body parsers decide it). */
export const hasBody = (req: Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;

/**
 * The session id the header names. A client may send the header twice (SDK 1.x clients
 * given `headers: { 'Mcp-Session-Id': id }` add their own lower-case one), and Node joins
 * the values with ", ": identical values are one id, different ones are a 400.
 */
function sessionHeaderOf(req: Request, id: JsonRpcId): string | undefined {
  const header = req.headers[SESSION_HEADER];
  if (header === undefined) return undefined;
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (!joined.includes(',')) return joined.trim() || undefined;
  const values = new Set(
    joined
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value.length > 0),
  );
  if (values.size > 1) throw McpHttpError.conflictingSessionIds(id);
  return values.values().next().value;
}

/** The session id the request names; 400 when it names none, or more than one. */
export function requireSessionId(req: Request, id: JsonRpcId): string {
  const sessionId = sessionHeaderOf(req, id);
  if (sessionId !== undefined) return sessionId;
  throw McpHttpError.sessionIdRequired(id);
}

/** Whether an id can be one this module handed out (else it is unknown: 404). */
export const isWellFormedSessionId = (sessionId: unknown): sessionId is string =>
  typeof sessionId === 'string' && SESSION_ID_PATTERN.test(sessionId);

/**
 * The id an `initialize` names, when a client re-sends it to resume its session; 400 when
 * it names more than one.
 */
export const previousSessionId = (req: Request, id: JsonRpcId): string | undefined => {
  const sessionId = sessionHeaderOf(req, id);
  return isWellFormedSessionId(sessionId) ? sessionId : undefined;
};

/**
 * 400 for a batch the SDK would mishandle: an empty one (it would answer 202, where
 * JSON-RPC says Invalid Request), or one in which two requests share an id (only one of
 * them could be answered).
 */
export function requireValidBatch(body: unknown): void {
  if (!Array.isArray(body)) return;
  if (body.length === 0) throw McpHttpError.emptyBatch();
  const ids = new Set<string | number>();
  for (const message of body) {
    const id = requestIdIn(message);
    if (id === undefined) continue;
    if (ids.has(id)) throw McpHttpError.idRepeatedInBatch(id);
    ids.add(id);
  }
}

/** 400 for an `MCP-Protocol-Version` this server does not speak (the SDK checks POST and GET). */
export function requireSupportedProtocolVersion(req: Request): void {
  const version = req.headers[PROTOCOL_VERSION_HEADER];
  if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    throw McpHttpError.unsupportedProtocolVersion(version, SUPPORTED_PROTOCOL_VERSIONS);
  }
}

/**
 * The transport refuses a POST that does not accept both; `initialize` is checked here
 * first, so that a refused one never creates or re-initializes a session.
 */
const acceptsBoth = (req: Request) => {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && accept.includes('text/event-stream');
};

/** The params of an `initialize` POST, or the error that refuses it. */
export function initializeParamsOf(req: Request, body: unknown): InitializeRequest['params'] {
  const id = requestIdOf(body);
  if (Array.isArray(body)) throw McpHttpError.initializeInBatch(id);
  if (!acceptsBoth(req)) throw McpHttpError.notAcceptable(id);
  const parsed = InitializeRequestSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw McpHttpError.invalidInitializeParams(problems, id);
  }
  return parsed.data.params;
}
