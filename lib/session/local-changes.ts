import { Injectable } from '@nestjs/common';
import type { ServerChange } from '../interfaces/session-bus.interface.js';
import { ModernEndpoint } from '../sdk/modern/modern-endpoint.js';
import { LiveSessions } from './live-sessions.js';

/**
 * Tells the clients of this instance about a change of the server's lists or resources:
 * its 2026-07-28 `subscriptions/listen` streams, and for a list change its live 2025
 * sessions (their resource updates travel through the subscriptions, not here).
 */
@Injectable()
export class LocalChanges {
  constructor(
    private readonly live: LiveSessions,
    private readonly modern: ModernEndpoint,
  ) {}

  tell(change: ServerChange): void {
    this.modern.notify(change);
    if (!('list' in change)) return;
    for (const { session } of this.live.values()) {
      const { server } = session;
      if (!server.isConnected()) continue;
      if (change.list === 'tools') server.sendToolListChanged();
      else if (change.list === 'prompts') server.sendPromptListChanged();
      else server.sendResourceListChanged();
    }
  }
}
