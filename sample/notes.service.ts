import { Inject, Injectable } from '@nestjs/common';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';

const NOTES_TTL_MS = 24 * 60 * 60 * 1000;

/** Per-session notes, kept in the same cache as the sessions so they move with them. */
@Injectable()
export class NotesService {
  constructor(@Inject(CACHE_MANAGER) private readonly cache: Cache) {}

  async add(sessionId: string, note: string): Promise<string[]> {
    const notes = [...(await this.list(sessionId)), note];
    await this.cache.set(this.key(sessionId), notes, NOTES_TTL_MS);
    return notes;
  }

  async list(sessionId: string): Promise<string[]> {
    return (await this.cache.get<string[]>(this.key(sessionId))) ?? [];
  }

  private key(sessionId: string): string {
    return `notes:${sessionId}`;
  }
}
