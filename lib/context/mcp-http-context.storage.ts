import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'express';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';

/** What the HTTP layer knows about the request being served. */
export interface McpHttpContext {
  request: Request;
  sessionId: string;
  restore?: SessionRestoreMarker;
}

/** Carries the {@link McpHttpContext} from the controller into the handlers the SDK calls. */
export const mcpHttpContextStorage = new AsyncLocalStorage<McpHttpContext>();
