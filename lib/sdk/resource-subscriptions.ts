import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionBus } from '../interfaces/session-bus.interface.js';
import { MCP_RESOLVED_OPTIONS, MCP_SESSION_BUS } from '../mcp.constants.js';
import { canonicalUri } from '../utils/canonical-uri.util.js';
import { within } from '../utils/within.util.js';

/** Subscriptions meet on a URI's canonical form; a template's URI may not parse as one. */
const keyOf = (uri: string) => canonicalUri(uri) ?? uri;

/**
 * The resource URIs one session subscribed to, and the server that notifies it. URIs
 * are matched in their canonical form, and notified as the client spelled them.
 */
export class SessionSubscriptions {
  /**
   * Canonical URI → the URI as subscribed. Kept in step with the index of
   * {@link McpResourceSubscriptions}.
   */
  readonly uris = new Map<string, string>();

  constructor(private readonly server: McpServer) {}

  /** `uri` as the session subscribed to it, or `undefined` if it did not. */
  subscribedAs(uri: string): string | undefined {
    return this.uris.get(keyOf(uri));
  }

  /** Sends `notifications/resources/updated` if the session subscribed to `uri`. */
  async notify(uri: string): Promise<boolean> {
    const subscribed = this.subscribedAs(uri);
    if (subscribed === undefined || !this.server.isConnected()) return false;
    await this.server.server.sendResourceUpdated({ uri: subscribed });
    return true;
  }
}

/**
 * Tracks `resources/subscribe` per session and sends `notifications/resources/updated`
 * to the sessions that subscribed to a URI: those live in this process, and with the
 * `redis` option those live on every other instance too. A session's subscriptions are
 * stored with it, and restored with it.
 *
 * @example
 * ```ts
 * constructor(private readonly subscriptions: McpResourceSubscriptions) {}
 *
 * async onConfigChanged() {
 *   await this.subscriptions.notifyUpdated('config://app');
 * }
 * ```
 */
@Injectable()
export class McpResourceSubscriptions implements OnModuleInit {
  private readonly logger = new Logger('McpResourceSubscriptions');
  /** URI → the live sessions subscribed to it, so an update visits only those. */
  private readonly subscribers = new Map<string, Set<SessionSubscriptions>>();

  constructor(
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
  ) {}

  /** Listens for updates notified on the other instances (at most `storeTimeoutMs` at bootstrap). */
  async onModuleInit(): Promise<void> {
    if (!this.bus) return;
    const subscribed = this.bus
      .onResourceUpdated((uri) => void this.notifyHere(uri))
      .catch((error: unknown) =>
        this.logger.warn(`Not listening for other instances' updates: ${String(error)}`),
      );
    await within(this.options.storeTimeoutMs, subscribed).catch(() => undefined);
  }

  /**
   * Answers `resources/subscribe` and `resources/unsubscribe` on `server` and declares
   * the `resources.subscribe` capability, with the session subscribed to `restored`
   * already. `changed` gets the URIs subscribed after each change. Call before the server
   * connects, and {@link detach} once it closed.
   */
  attach(
    server: McpServer,
    restored: readonly string[] = [],
    changed?: (uris: string[]) => void,
  ): SessionSubscriptions {
    const session = new SessionSubscriptions(server);
    for (const uri of restored) this.subscribe(session, uri);
    const report = () => changed?.([...session.uris.values()]);
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      this.subscribe(session, request.params.uri);
      report();
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.unsubscribe(session, request.params.uri);
      report();
      return {};
    });
    return session;
  }

  /** Forgets every subscription of a session whose server closed. */
  detach(session: SessionSubscriptions): void {
    for (const uri of [...session.uris.keys()]) this.unsubscribe(session, uri);
  }

  /**
   * Notifies every session subscribed to `uri`: here, and with the `redis` option on
   * every other instance (an update the bus could not carry is logged).
   *
   * @returns how many sessions of this process were notified.
   */
  async notifyUpdated(uri: string): Promise<number> {
    await this.bus
      ?.publishResourceUpdated(uri)
      .catch((error: unknown) =>
        this.logger.warn(`Other instances were not told that ${uri} changed: ${String(error)}`),
      );
    return this.notifyHere(uri);
  }

  /** Notifies the sessions of this process subscribed to `uri`. */
  private async notifyHere(uri: string): Promise<number> {
    const sessions = [...(this.subscribers.get(keyOf(uri)) ?? [])];
    const sent = await Promise.all(sessions.map((s) => s.notify(uri).catch(() => false)));
    return sent.filter(Boolean).length;
  }

  private subscribe(session: SessionSubscriptions, uri: string): void {
    const key = keyOf(uri);
    session.uris.set(key, uri);
    let sessions = this.subscribers.get(key);
    if (!sessions) this.subscribers.set(key, (sessions = new Set()));
    sessions.add(session);
  }

  private unsubscribe(session: SessionSubscriptions, uri: string): void {
    const key = keyOf(uri);
    session.uris.delete(key);
    const sessions = this.subscribers.get(key);
    sessions?.delete(session);
    if (sessions?.size === 0) this.subscribers.delete(key);
  }
}
