import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyvPostgres, createKeyv } from '@keyv/postgres';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CacheModule } from '@nestjs/cache-manager';
import { Keyv } from 'keyv';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { CacheManagerSessionStore } from '../lib/index.js';
import { callTool, initializeRequest, post, textOf } from './fixtures/mcp-http.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { freePort } from './fixtures/server-process.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

/**
 * The PostgreSQL the tests share (`.ci/run` starts it). The suite fails, rather than
 * skips, when it does not answer.
 */
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
/** This run's own table, dropped after it. */
const table = `mcp_e2e_${randomUUID().slice(0, 8)}`;

/** A PostgreSQL URL on a port nothing listens on: the database is down. */
const downUrl = async () => `postgresql://postgres@127.0.0.1:${await freePort()}/test`;

/** As `@keyv/postgres` documents it: a Keyv that reports failures by answering `false`. */
const documentedKeyv = (uri: string) => createKeyv({ uri, table });

/** As the README says to build it: outages are errors. */
const readmeKeyv = (uri: string, namespace = 'sessions') =>
  new Keyv({ store: new KeyvPostgres({ uri, table }), namespace, throwOnErrors: true });

const unavailable = (id: number) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32000, message: expect.stringMatching(/unavailable/i) },
});

const warnings = (logger: RecordingLogger) =>
  logger.entries.filter((e) => e.level === 'warn').map((e) => e.text);

describe('sessions in PostgreSQL through @keyv/postgres and @nestjs/cache-manager', () => {
  const apps: TestApp[] = [];
  const close = async (app: TestApp) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  // One at a time: @keyv/postgres keeps one pool per process, ended by any disconnect.
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  beforeAll(async () => {
    const store = new KeyvPostgres({ uri: POSTGRES_URL, table });
    const probe = new Keyv({ store, throwOnErrors: true });
    try {
      await probe.get('probe');
    } catch (error) {
      throw new Error(
        `PostgreSQL does not answer at ${POSTGRES_URL} (start it, or set POSTGRES_URL): ${String(error)}`,
        { cause: error },
      );
    } finally {
      await probe.disconnect();
    }
  });

  afterAll(async () => {
    const admin = new KeyvPostgres({ uri: POSTGRES_URL, table });
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await admin.disconnect();
  });

  const instance = async (keyv: Keyv, logger = new RecordingLogger()) => {
    const app = await createTestApp(
      { sessionStore: CacheManagerSessionStore },
      { imports: [CacheModule.register({ isGlobal: true, stores: [keyv] })], logger },
    );
    apps.push(app);
    return { app, http: app.app.getHttpServer() as Server, logger };
  };

  it('answers initialize with 503 and no session id when the save fails on a Keyv that does not throw', async () => {
    const { http, logger } = await instance(documentedKeyv(await downUrl()));

    const res = await post(http, '/mcp', initializeRequest(7));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(res.body).toEqual(unavailable(7));
    expect(warnings(logger)).toEqual([
      // At start: such a store still makes a failed read look like a missing session.
      expect.stringMatching(/does not throw on errors.*throwOnErrors: true/),
      expect.stringMatching(/unavailable during save: the store did not save mcp:session:/),
    ]);
  });

  it("answers 503 to a new session and to a restore, without a warning, on the README's Keyv", async () => {
    const { http, logger } = await instance(readmeKeyv(await downUrl()));

    const fresh = await post(http, '/mcp', initializeRequest(4));
    expect(fresh.status).toBe(503);
    expect(fresh.headers['mcp-session-id']).toBeUndefined();
    expect(fresh.body).toEqual(unavailable(4));
    const restore = await callTool(http, randomUUID(), 'echo', { text: 'x' }, { id: 5 });
    expect(restore.status).toBe(503);
    expect(restore.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(restore.body).toEqual(unavailable(5));
    expect(warnings(logger)).toEqual([
      expect.stringMatching(/unavailable during save: .*ECONNREFUSED/),
      expect.stringMatching(/unavailable during load: .*ECONNREFUSED/),
    ]);
  });

  it('refuses to start on a Keyv that would read the session keys under other names than it writes them', async () => {
    // Keyv 5.6 writes `mcp:session:<id>` as is with the namespace `mcp`, and reads `mcp:mcp:session:<id>`.
    const keyv = readmeKeyv(POSTGRES_URL, 'mcp');
    try {
      await expect(instance(keyv)).rejects.toThrow(
        /namespace "mcp" writes the key mcp:session:id as mcp:session:id but reads it under another name/,
      );
    } finally {
      await keyv.disconnect();
    }
  });

  it.each<[string, (uri: string) => Keyv]>([
    ['createKeyv, as @keyv/postgres documents it', documentedKeyv],
    ["the README's Keyv", readmeKeyv],
  ])(
    'serves, restores after a restart, and deletes sessions on a running database (%s)',
    async (_, keyv) => {
      const first = await instance(keyv(POSTGRES_URL));
      const client = new Client({ name: 'postgres-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(first.app.url);
      await client.connect(transport);
      const sessionId = transport.sessionId!;
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'saved' } }))).toBe(
        'saved',
      );
      await client.close();
      await close(first.app);

      const second = await instance(keyv(POSTGRES_URL));
      const resumed = new Client({ name: 'postgres-test', version: '1.0.0' });
      const resumedTransport = new StreamableHTTPClientTransport(second.app.url, { sessionId });
      await resumed.connect(resumedTransport);
      expect(textOf(await resumed.callTool({ name: 'echo', arguments: { text: 'back' } }))).toBe(
        'back',
      );
      expect(second.app.tools.restores.map((m) => m.sessionId)).toEqual([sessionId]);

      await resumedTransport.terminateSession();
      await resumed.close();
      const gone = await callTool(second.http, sessionId, 'echo', { text: 'x' });
      expect(gone.status).toBe(404);
      expect(warnings(first.logger)).toEqual(
        keyv === documentedKeyv ? [expect.stringMatching(/does not throw on errors/)] : [],
      );
    },
  );
});
