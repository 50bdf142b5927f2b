import { JsonRpcErrorCode, type JsonRpcId } from './json-rpc-error.body.js';
import { ErrorMessages } from './json-rpc-error.messages.js';

/**
 * A refusal of an MCP request: the HTTP status, and the JSON-RPC error its body carries.
 * The MCP endpoint's exception filter renders it.
 */
export class McpHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly id: JsonRpcId = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'McpHttpError';
  }

  static unsupportedMediaType(): McpHttpError {
    return new McpHttpError(415, JsonRpcErrorCode.ServerError, ErrorMessages.unsupportedMediaType);
  }

  static bodyNotParsed(): McpHttpError {
    return new McpHttpError(500, JsonRpcErrorCode.InternalError, ErrorMessages.bodyNotParsed);
  }

  static initializeInBatch(id: JsonRpcId): McpHttpError {
    const message = ErrorMessages.initializeInBatch;
    return new McpHttpError(400, JsonRpcErrorCode.InvalidRequest, message, id);
  }

  static notAcceptable(id: JsonRpcId): McpHttpError {
    return new McpHttpError(406, JsonRpcErrorCode.ServerError, ErrorMessages.notAcceptable, id);
  }

  static invalidInitializeParams(problems: string[], id: JsonRpcId): McpHttpError {
    const message = ErrorMessages.invalidInitializeParams(problems);
    return new McpHttpError(400, JsonRpcErrorCode.InvalidParams, message, id);
  }

  static sessionIdRequired(id: JsonRpcId): McpHttpError {
    const message = ErrorMessages.sessionIdRequired;
    return new McpHttpError(400, JsonRpcErrorCode.ServerError, message, id);
  }

  /** The session header, sent more than once (Node joins the values), names different ids. */
  static conflictingSessionIds(id: JsonRpcId): McpHttpError {
    const message = ErrorMessages.conflictingSessionIds;
    return new McpHttpError(400, JsonRpcErrorCode.ServerError, message, id);
  }

  /** A POST body that is an empty batch `[]` (JSON-RPC: Invalid Request, id null). */
  static emptyBatch(): McpHttpError {
    return new McpHttpError(400, JsonRpcErrorCode.InvalidRequest, ErrorMessages.emptyBatch);
  }

  /** A batch with two requests of one id, which could not both be answered. */
  static idRepeatedInBatch(id: string | number): McpHttpError {
    const message = ErrorMessages.idRepeatedInBatch(id);
    return new McpHttpError(400, JsonRpcErrorCode.InvalidRequest, message, id);
  }

  /** A request whose id is that of a request still in flight on its session. */
  static idInFlight(id: string | number): McpHttpError {
    const message = ErrorMessages.idInFlight(id);
    return new McpHttpError(400, JsonRpcErrorCode.InvalidRequest, message, id);
  }

  static sessionNotFound(id: JsonRpcId): McpHttpError {
    const message = ErrorMessages.sessionNotFound;
    return new McpHttpError(404, JsonRpcErrorCode.SessionNotFound, message, id);
  }

  static unsupportedProtocolVersion(version: string, supported: readonly string[]): McpHttpError {
    const message = ErrorMessages.unsupportedProtocolVersion(version, supported);
    return new McpHttpError(400, JsonRpcErrorCode.ServerError, message);
  }

  static methodNotAllowed(allow: string): McpHttpError {
    const message = ErrorMessages.methodNotAllowed;
    return new McpHttpError(405, JsonRpcErrorCode.ServerError, message, null, { Allow: allow });
  }

  static storeUnavailable(id: JsonRpcId, retryAfterSeconds: number): McpHttpError {
    return new McpHttpError(503, JsonRpcErrorCode.ServerError, ErrorMessages.storeUnavailable, id, {
      'Retry-After': String(retryAfterSeconds),
    });
  }

  /** New work on an instance that is shutting down: the client retries on another one. */
  static shuttingDown(id: JsonRpcId, retryAfterSeconds: number): McpHttpError {
    return new McpHttpError(503, JsonRpcErrorCode.ServerError, ErrorMessages.shuttingDown, id, {
      'Retry-After': String(retryAfterSeconds),
    });
  }

  /** A second standalone GET stream of a session, as the SDK answers it. */
  static streamConflict(): McpHttpError {
    return new McpHttpError(409, JsonRpcErrorCode.ServerError, ErrorMessages.streamConflict);
  }

  static forbidden(reason: string): McpHttpError {
    return new McpHttpError(403, JsonRpcErrorCode.ServerError, ErrorMessages.forbidden(reason));
  }
}
