/** Every message of a JSON-RPC error this module answers with. */
export const ErrorMessages = {
  unsupportedMediaType: 'Unsupported Media Type: Content-Type must be application/json',
  bodyNotParsed: 'Internal error: the server does not parse JSON bodies',
  initializeInBatch: 'Invalid Request: initialize must be sent alone, not in a batch',
  notAcceptable: 'Not Acceptable: Client must accept both application/json and text/event-stream',
  invalidInitializeParams: (problems: string[]) =>
    `Invalid initialize params: ${problems.join('; ')}`,
  sessionIdRequired: 'Bad Request: Mcp-Session-Id header is required',
  conflictingSessionIds: 'Bad Request: Mcp-Session-Id header names more than one session id',
  emptyBatch: 'Invalid Request: empty batch',
  idRepeatedInBatch: (id: string | number) =>
    `Invalid Request: id ${JSON.stringify(id)} is used by more than one request in the batch`,
  idInFlight: (id: string | number) =>
    `Invalid Request: id ${JSON.stringify(id)} is already in use by a request in flight on this session`,
  sessionNotFound: 'Session not found',
  streamConflict: 'Conflict: Only one SSE stream is allowed per session',
  unsupportedProtocolVersion: (version: string, supported: readonly string[]) =>
    `Bad Request: Unsupported protocol version: ${version} (supported versions: ${supported.join(', ')})`,
  methodNotAllowed: 'Method not allowed.',
  storeUnavailable: 'Session store unavailable, retry later',
  shuttingDown: 'Server shutting down, retry later',
  shutDownInFlight: 'Server shutting down: the request did not finish in time, retry it',
  forbidden: (reason: string) => `Forbidden: ${reason}`,
  parseError: (detail: string) => `Parse error: ${detail}`,
  internalError: 'Internal error',
  closedBeforeAnswer: 'Internal error: the session closed before answering',
} as const;
