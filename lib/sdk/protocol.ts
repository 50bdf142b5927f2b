/**
 * The SDK's protocol constants, schemas and types that other folders need, from one
 * place: nothing outside `lib/sdk/` imports SDK runtime values.
 */
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';

export { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
export {
  InitializeRequestSchema,
  LoggingLevelSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
export type {
  InitializeRequest,
  JSONRPCMessage,
  LoggingLevel,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** The protocol version a session serves when its client asked for `requested`. */
export const negotiateProtocolVersion = (requested: string): string =>
  SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
