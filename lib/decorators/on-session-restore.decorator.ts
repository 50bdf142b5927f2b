import { SetMetadata } from '@nestjs/common';
import { MCP_SESSION_RESTORE_METADATA } from '../mcp.constants.js';

/**
 * Marks a provider method to be called with a {@link SessionRestoreMarker} each time a
 * session is rebuilt from the store, before the request that caused it is served.
 * Any number of methods, on any providers, may carry it. A hook that throws is logged
 * and the session is served anyway.
 *
 * @example
 * ```ts
 * @OnSessionRestore()
 * onRestore(marker: SessionRestoreMarker) {
 *   this.logger.log(`session ${marker.sessionId} restored (${marker.reason})`);
 * }
 * ```
 */
export const OnSessionRestore = (): MethodDecorator =>
  SetMetadata(MCP_SESSION_RESTORE_METADATA, true);
