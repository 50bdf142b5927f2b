import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool, type McpRequestContext } from '../lib/index.js';
import { NotesService } from './notes.service.js';

/** Tools that remember things for the session, across restarts and instances. */
@Injectable()
export class NotesTools {
  constructor(private readonly notes: NotesService) {}

  @Tool({
    name: 'add_note',
    description: 'Remembers a note for this session',
    inputSchema: { text: z.string().min(1).describe('The note') },
    annotations: { idempotentHint: false },
  })
  async add({ text }: { text: string }, ctx: McpRequestContext): Promise<string> {
    const notes = await this.notes.add(ctx.sessionId, text);
    return `Noted (${notes.length} note${notes.length === 1 ? '' : 's'} in this session).`;
  }

  @Tool({
    name: 'list_notes',
    description: 'Lists the notes of this session',
    outputSchema: { notes: z.array(z.string()) },
    annotations: { readOnlyHint: true },
  })
  async list(_args: unknown, ctx: McpRequestContext): Promise<{ notes: string[] }> {
    return { notes: await this.notes.list(ctx.sessionId) };
  }
}
