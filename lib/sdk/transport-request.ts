import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error.js';
import type { SessionEventStore } from './session-event.store.js';
import { WebRequest, type HeaderOverrides } from './web-request.js';

const PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';
const SESSION_HEADER = 'mcp-session-id';
const LAST_EVENT_ID_HEADER = 'last-event-id';

/** What the channel knows that the request's headers may not say. */
export interface TransportRequestOptions {
  /** The negotiated protocol version, for a request that names none. */
  protocolVersion?: string;
  /** The session id the request names, as one value. */
  sessionId?: string;
}

const urlOf = (req: Request) =>
  `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.originalUrl}`;

/**
 * The request as the SDK transport sees it: the Express request's own headers, with the
 * values the channel knows better laid over them (the request is never edited), and
 * without its `Last-Event-ID` when `dropLastEventId` (see {@link holdsLastEventId}).
 */
export function transportRequest(
  req: Request,
  { protocolVersion, sessionId }: TransportRequestOptions,
  dropLastEventId: boolean,
): WebRequest {
  let overrides: Record<string, string | undefined> | undefined;
  // Without the header the spec says: use the negotiated version (the SDK would assume 2025-03-26).
  if (protocolVersion !== undefined && req.headers[PROTOCOL_VERSION_HEADER] === undefined) {
    overrides = { [PROTOCOL_VERSION_HEADER]: protocolVersion };
  }
  if (sessionId !== undefined && req.headers[SESSION_HEADER] !== sessionId) {
    overrides = { ...overrides, [SESSION_HEADER]: sessionId };
  }
  if (dropLastEventId) {
    overrides = { ...overrides, [LAST_EVENT_ID_HEADER]: undefined };
  }
  return new WebRequest({
    method: req.method,
    url: urlOf(req),
    headers: req.headers,
    overrides: overrides as HeaderOverrides | undefined,
  });
}

/**
 * The SDK answers a `Last-Event-ID` its event store does not hold with 400, and a client
 * then never gets a GET stream again; yet the id is simply out of reach after a restart,
 * a move to another instance, or once its event aged out. The spec lets a server not
 * replay, so such a GET opens a fresh stream instead.
 */
export async function holdsLastEventId(
  req: Request,
  events: SessionEventStore | undefined,
): Promise<boolean> {
  const lastEventId = req.headers[LAST_EVENT_ID_HEADER];
  if (typeof lastEventId !== 'string' || !events) return true;
  // A store that is down is a 503; one that fails otherwise fails again in the SDK, which
  // answers for it.
  const known = await events.getStreamIdForEventId(lastEventId).catch((error) => {
    if (error instanceof SessionStoreUnavailableError) throw error;
    return true;
  });
  return Boolean(known);
}
