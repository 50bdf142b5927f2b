import { Module } from '@nestjs/common';
import { CacheModule } from '@nestjs/cache-manager';
import { CacheManagerSessionStore, McpModule } from '../lib/index.js';
import { createSampleKeyv } from './cache-store.factory.js';
import { NotesService } from './notes.service.js';
import { NotesTools } from './notes.tools.js';
import { SessionRestoreListener } from './session-restore.listener.js';
import { SessionTools } from './session.tools.js';

@Module({
  imports: [
    CacheModule.registerAsync({
      isGlobal: true,
      useFactory: () => ({ stores: [createSampleKeyv()] }),
    }),
    McpModule.forRoot({
      name: 'resumable-notes',
      version: '1.0.0',
      instructions: 'Keeps notes per session; sessions survive restarts of the server.',
      sessionStore: CacheManagerSessionStore,
      // Several instances on one Redis: events resume on any of them, deletes reach all.
      redis: process.env.REDIS_URL
        ? {
            url: process.env.REDIS_URL,
            keyPrefix: `${process.env.CACHE_NAMESPACE ?? 'mcp-sample'}:`,
          }
        : undefined,
    }),
  ],
  providers: [NotesService, NotesTools, SessionTools, SessionRestoreListener],
})
export class AppModule {}
