import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool, type McpRequestContext } from '../lib/index.js';

/** Tools that show what the request context carries. */
@Injectable()
export class SessionTools {
  @Tool({
    name: 'session_info',
    description: 'Which session this is, and whether this request restored it',
    annotations: { readOnlyHint: true },
  })
  info(_args: unknown, ctx: McpRequestContext): string {
    const restored = ctx.restore
      ? `restored on this instance (${ctx.restore.reason}) at ${ctx.restore.restoredAt.toISOString()}`
      : 'live on this instance';
    return `Session ${ctx.sessionId}, ${restored}, served by process ${process.pid}.`;
  }

  @Tool({
    name: 'countdown',
    description: 'Counts down, reporting progress and logging each step',
    inputSchema: { from: z.number().int().min(1).max(20) },
  })
  async countdown({ from }: { from: number }, ctx: McpRequestContext): Promise<string> {
    for (let i = from; i > 0; i--) {
      await ctx.reportProgress(from - i + 1, from, `${i}...`);
      await ctx.log('info', `${i}...`, 'countdown');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return 'Liftoff!';
  }
}
