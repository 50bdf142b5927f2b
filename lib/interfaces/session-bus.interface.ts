/** A change that every instance tells the clients it serves about. */
export type ServerChange =
  { list: 'tools' | 'prompts' | 'resources' } | { resourceUpdated: string };

/**
 * What the instances of one server tell each other about sessions. With the `redis`
 * option it is Redis pub/sub; without it there is none: each instance learns of a delete
 * through another only by revalidation, and a client's answer must reach the instance
 * that asked.
 */
export interface SessionBus {
  /** Tells every instance that the session was deleted. */
  publishDeleted(sessionId: string): Promise<void>;
  /** Calls `listener` with each session deleted through any instance, this one included. */
  onDeleted(listener: (sessionId: string) => void): Promise<void>;
  /**
   * Hands a JSON-RPC message of a session to one instance (a client's answer to a request
   * that instance sent).
   *
   * @returns whether an instance was listening.
   */
  sendToInstance(instanceId: string, sessionId: string, message: unknown): Promise<boolean>;
  /** Calls `listener` with each message sent to `instanceId`. */
  onInstanceMessage(
    instanceId: string,
    listener: (sessionId: string, message: unknown) => void,
  ): Promise<void>;
  /** Hands a JSON-RPC message of a session to every instance (a cancellation). */
  broadcast(sessionId: string, message: unknown): Promise<void>;
  /** Calls `listener` with each message broadcast by any other instance. */
  onBroadcast(listener: (sessionId: string, message: unknown) => void): Promise<void>;
  /** Tells every other instance about a change of the server's lists or resources. */
  publishChange(change: ServerChange): Promise<void>;
  /** Calls `listener` with each change published by another instance. */
  onChange(listener: (change: ServerChange) => void): Promise<void>;
}
