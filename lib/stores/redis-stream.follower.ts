import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { FollowedStreamSink } from '../interfaces/mcp-event-store.interface.js';
import type { RedisStreamReader, StreamEntry } from './redis-stream.reader.js';

/** A priming event carries no message; it is a cursor, never replayed. */
export const PRIMING_JSON = '{}';

const isResponse = (message: JSONRPCMessage) => !('method' in message) && 'id' in message;

/** Which entries of a Redis Stream make one SSE stream, and how their event ids read. */
export interface FollowedRedisStream {
  key: string;
  /** The entry id after which to read. */
  after: string;
  /** The SSE stream whose entries are sent (a Redis Stream may hold several). */
  streamId: string;
  /** Ends once a JSON-RPC response has been sent (a request's stream), or never. */
  endsWithAnswer: boolean;
  eventId: (entryId: string) => string;
}

/**
 * Opens the sink, then sends the entries of one SSE stream as the reader reads them, in
 * order, until that stream's answer or the sink's abort. Redis down before the sink opens
 * throws (a 503); a connection lost later ends the stream, and the client resumes it from
 * its last event.
 */
export async function followRedisStream(
  reader: RedisStreamReader,
  stream: FollowedRedisStream,
  sink: FollowedStreamSink,
): Promise<void> {
  await reader.ready();
  sink.open();
  const deliver = async (entries: StreamEntry[]) => {
    for (const { id, message } of entries) {
      if (message.s !== stream.streamId || message.m === PRIMING_JSON) continue;
      const sent = JSON.parse(message.m) as JSONRPCMessage;
      await sink.send(stream.eventId(id), sent);
      if (stream.endsWithAnswer && isResponse(sent)) return false;
    }
    return true;
  };
  await reader.follow(stream.key, stream.after, deliver, sink.signal);
}
