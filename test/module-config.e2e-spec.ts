import { afterEach, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { CACHE_MANAGER, CacheModule, type Cache } from '@nestjs/cache-manager';
import { Test } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Server } from 'node:http';
import { Keyv } from 'keyv';
import request from 'supertest';
import {
  CacheManagerSessionStore,
  MCP_MODULE_OPTIONS,
  MCP_SESSION_KEY_PREFIX,
  McpModule,
  type McpModuleOptions,
} from '../lib/index.js';
import { callTool, handshake, initializeRequest, messagesOf, post } from './fixtures/mcp-http.js';
import { CountingStore } from './fixtures/counting-store.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { CallCounter, TestTools } from './fixtures/test-tools.provider.js';
import { setTimeout as sleep } from 'node:timers/promises';

@Injectable()
class ReadsOptions {
  constructor(@Inject(MCP_MODULE_OPTIONS) readonly options: McpModuleOptions) {}
}

@Injectable()
class NeedsSomethingMissing {
  constructor(readonly missing: CallCounter) {}
}

describe('module configuration', () => {
  const apps: Array<TestApp | INestApplication> = [];
  afterEach(async () => Promise.all(apps.splice(0).map((a) => a.close())));

  it('lets an app provider inject the options as given (MCP_MODULE_OPTIONS)', async () => {
    const app = await createTestApp({ instructions: 'read me' }, { providers: [ReadsOptions] });
    apps.push(app);
    expect(app.app.get(ReadsOptions).options).toMatchObject({ instructions: 'read me' });
  });

  it('says what to fix when the app parses no JSON bodies (bodyParser: false)', async () => {
    const logger = new RecordingLogger();
    const app = await createTestApp({}, { appOptions: { bodyParser: false }, logger });
    apps.push(app);
    const res = await post(app.app.getHttpServer(), '/mcp', initializeRequest());
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      error: { code: -32603, message: expect.stringMatching(/does not parse JSON bodies/) },
    });
    expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.text)).toEqual([
      expect.stringMatching(/without \{ bodyParser: false \}/),
    ]);
  });

  it('sends the instructions option to the client in the initialize result', async () => {
    const instructions = 'Call echo with any text; it answers with the same text.';
    const app = await createTestApp({ instructions });
    apps.push(app);
    const init = await post(app.app.getHttpServer(), '/mcp', initializeRequest(1)).buffer(true);
    expect(messagesOf(init.text)[0].result.instructions).toBe(instructions);
    const client = new Client({ name: 'instructions-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(app.url));
    try {
      expect(client.getInstructions()).toBe(instructions);
    } finally {
      await client.close();
    }
  });

  it('forRootAsync builds options from injected providers (a store on the app cache), on a custom path', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CacheModule.register({ isGlobal: true }),
        McpModule.forRootAsync({
          path: 'tools/mcp/',
          inject: [CACHE_MANAGER],
          useFactory: (cache: Cache) => ({
            name: 'async-server',
            version: '2.0.0',
            sessionStore: new CacheManagerSessionStore(cache),
          }),
        }),
      ],
      providers: [CallCounter, TestTools],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    await app.init();
    const http = app.getHttpServer() as Server;
    const sessionId = await handshake(http, '/tools/mcp');
    const options = { id: 2, path: '/tools/mcp' };
    const res = await callTool(http, sessionId, 'echo', { text: 'async' }, options);
    expect(messagesOf(res.text)[0].result.content[0].text).toBe('async');
    const cache = app.get<Cache>(CACHE_MANAGER);
    expect(await cache.get(`mcp:session:${sessionId}`)).toMatchObject({ sessionId, v: 1 });
    expect(
      (await post(http, '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, sessionId)).status,
    ).toBe(404);
  });

  it('writes CacheManagerSessionStore keys under the prefix provided as MCP_SESSION_KEY_PREFIX', async () => {
    const keyv = new Keyv({ throwOnErrors: true });
    const instance = async (prefix?: string) => {
      const app = await createTestApp(
        { sessionStore: CacheManagerSessionStore },
        {
          imports: [CacheModule.register({ isGlobal: true, stores: [keyv] })],
          extraProviders: prefix ? [{ provide: MCP_SESSION_KEY_PREFIX, useValue: prefix }] : [],
        },
      );
      apps.push(app);
      return app.app.getHttpServer() as Server;
    };
    const a = await instance('tenant-7:');
    const sessionId = await handshake(a);
    expect(await keyv.get(`tenant-7:session:${sessionId}`)).toMatchObject({ sessionId, v: 1 });
    expect(await keyv.get(`mcp:session:${sessionId}`)).toBeUndefined();

    // Another instance finds it under the same prefix, and not under the default one.
    const samePrefix = await instance('tenant-7:');
    expect((await callTool(samePrefix, sessionId, 'echo', { text: 'found' })).status).toBe(200);
    const defaultPrefix = await instance();
    expect((await callTool(defaultPrefix, sessionId, 'echo', { text: 'x' })).status).toBe(404);

    const del = await request(a).delete('/mcp').set('Mcp-Session-Id', sessionId);
    expect(del.status).toBe(200);
    expect(await keyv.get(`tenant-7:deleted:${sessionId}`)).toBeDefined();
    expect(await keyv.get(`tenant-7:session:${sessionId}`)).toBeUndefined();
    expect(await keyv.get(`mcp:deleted:${sessionId}`)).toBeUndefined();
  });

  it('fails at bootstrap with a message naming the invalid option', async () => {
    await expect(createTestApp({ sessionTtlMs: 0 })).rejects.toThrow(
      /McpModule: invalid options: option "sessionTtlMs"/,
    );
    await expect(createTestApp({ maxLiveSessions: 1.5 })).rejects.toThrow(
      /option "maxLiveSessions"/,
    );
  });

  it.each(['sessionStore', 'eventStore'])(
    'fails at bootstrap when the %s class cannot be built, saying what to do',
    async (option) => {
      const attempt = Test.createTestingModule({
        imports: [
          McpModule.forRoot({ name: 'n', version: '1', [option]: NeedsSomethingMissing as never }),
        ],
      }).compile();
      await expect(attempt).rejects.toThrow(
        new RegExp(
          `option "${option}" could not be instantiated \\(NeedsSomethingMissing\\): .*Make its dependencies available`,
          's',
        ),
      );
    },
  );

  it('makes no store round trip on warm requests, and refreshes the TTL at most once per fraction', async () => {
    const store = new CountingStore();
    const app = await createTestApp({
      sessionStore: store,
      sessionTtlMs: 2000,
      ttlRefreshFraction: 0.25,
      revalidateIntervalMs: 100,
    });
    apps.push(app);
    const http = app.app.getHttpServer() as Server;
    const sessionId = await handshake(http);
    const before = { ...store.calls };
    let requests = 0;
    const started = Date.now();
    while (Date.now() - started < 1500) {
      expect(
        (await callTool(http, sessionId, 'echo', { text: 'warm' }, { id: requests })).status,
      ).toBe(200);
      requests++;
    }
    const elapsed = Date.now() - started;
    const loads = store.calls.load - before.load;
    const saves = store.calls.save - before.save;
    // Revalidation costs about one load per 100 ms interval (a sweep, or a check on a
    // request when a busy event loop delayed the sweep), whatever the request rate ...
    expect(loads).toBeLessThanOrEqual(2 * Math.ceil(elapsed / 100) + 2);
    expect(loads / requests).toBeLessThan(0.25);
    // ... and one refresh per 500 ms (0.25 of the TTL) at most.
    expect(saves).toBeGreaterThanOrEqual(1);
    expect(saves).toBeLessThanOrEqual(3);
    // With no traffic, nothing touches the store.
    await sleep(250);
    const idle = store.total;
    await sleep(400);
    expect(store.total).toBe(idle);
  });
});
