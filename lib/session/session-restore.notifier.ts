import { Injectable, Logger } from '@nestjs/common';
import { McpRegistry } from '../discovery/mcp.registry.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type {
  SessionRestoreMarker,
  SessionRestoreReason,
} from '../interfaces/session-restore-marker.interface.js';

/** Tells every `@OnSessionRestore()` hook that a session was rebuilt here. */
@Injectable()
export class SessionRestoreNotifier {
  private readonly logger = new Logger('McpSessionManager');

  constructor(private readonly registry: McpRegistry) {}

  /** Calls the hooks in turn; a hook that throws is logged and the others still run. */
  async announce(
    record: SessionRecord,
    reason: SessionRestoreReason,
  ): Promise<SessionRestoreMarker> {
    const marker: SessionRestoreMarker = {
      sessionId: record.sessionId,
      reason,
      record,
      clientInfo: record.initializeParams.clientInfo,
      restoredAt: new Date(),
    };
    for (const hook of this.registry.getRestoreHooks()) {
      try {
        await hook.call(marker);
      } catch (error) {
        this.logger.error(
          `@OnSessionRestore hook ${hook.source} failed for session ${record.sessionId}; serving the session anyway`,
          error instanceof Error ? error.stack : String(error),
        );
      }
    }
    return marker;
  }
}
