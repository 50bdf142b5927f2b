/** The session store could not be reached; the request is answered with 503. */
export class SessionStoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(
      `Session store unavailable during ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'SessionStoreUnavailableError';
  }
}
