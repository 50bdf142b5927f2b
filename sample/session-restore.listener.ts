import { Injectable, Logger } from '@nestjs/common';
import { OnSessionRestore, type SessionRestoreMarker } from '../lib/index.js';

/** Logs every session this instance rebuilds from the store. */
@Injectable()
export class SessionRestoreListener {
  private readonly logger = new Logger('SessionRestore');

  @OnSessionRestore()
  onRestore({ sessionId, reason, clientInfo }: SessionRestoreMarker): void {
    this.logger.log(
      `Session ${sessionId} restored (${reason}) for ${clientInfo.name} ${clientInfo.version}`,
    );
  }
}
