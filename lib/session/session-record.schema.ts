import { z } from 'zod';
import {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from '../interfaces/session-record.interface.js';
import { InitializeRequestSchema, LoggingLevelSchema } from '../sdk/protocol.js';

const sessionRecordSchema = z.looseObject({
  v: z.literal(SESSION_RECORD_VERSION),
  sessionId: z.string().min(1),
  initializeParams: InitializeRequestSchema.shape.params,
  protocolVersion: z.string().min(1),
  principal: z.string().optional(),
  loggingLevel: LoggingLevelSchema.optional(),
  subscriptions: z.array(z.string()).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** Checks what a store returned; explains why a value is not a usable record. */
export function parseSessionRecord(
  value: unknown,
  sessionId: string,
): { record: SessionRecord } | { error: string } {
  const result = sessionRecordSchema.safeParse(value);
  if (!result.success) {
    return {
      error: result.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    };
  }
  if (result.data.sessionId !== sessionId) {
    return { error: `record belongs to session ${result.data.sessionId}` };
  }
  return { record: result.data as SessionRecord };
}
