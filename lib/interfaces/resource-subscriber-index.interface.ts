/** A session subscribed to a resource, and the URI as that session spelled it. */
export interface ResourceSubscriber {
  sessionId: string;
  uri: string;
}

/**
 * Which sessions subscribed to each resource, shared by the instances of one server (with
 * the `redis` option), so that an update notified on any instance reaches every
 * subscribed session once, live anywhere or nowhere. Resources are named by the
 * canonical form of their URI.
 */
export interface ResourceSubscriberIndex {
  add(resource: string, subscriber: ResourceSubscriber): Promise<void>;
  remove(resource: string, sessionId: string): Promise<void>;
  subscribers(resource: string): Promise<ResourceSubscriber[]>;
}
