import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionChannel } from '../sdk/session-channel.js';

/** A session live in this process: its stored record, and the channel to its SDK server. */
export class McpSession {
  constructor(
    /** The record as last read from or written to the store. */
    public record: SessionRecord,
    /** The session's SDK server and transport (internal). */
    readonly channel: SessionChannel,
  ) {}

  get id(): string {
    return this.record.sessionId;
  }

  /** The session's SDK server. */
  get server(): McpServer {
    return this.channel.server;
  }

  /** The level the client set with `logging/setLevel`, if any. */
  get loggingLevel(): LoggingLevel | undefined {
    return this.channel.loggingLevel;
  }

  /** Closes the SDK server and transport; the stored record is left alone. */
  async close(): Promise<void> {
    await this.channel.close();
  }
}
