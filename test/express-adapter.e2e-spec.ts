import { describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Controller, Get, Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpExpressAdapter } from '../lib/index.js';
import { closedAfterEach, createTestApp, type TestApp } from './fixtures/test-app.js';

@Controller('probe')
class ProbeController {
  @Get('hello')
  hello(): string {
    return 'hello';
  }

  /** Never answers: the request stays open until the server drops the connection. */
  @Get('hang')
  hang(): Promise<never> {
    return new Promise<never>(() => undefined);
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

/**
 * The prototypes of each request and response as Node built them, recorded before Express
 * sees them (Express then moves them onto its own when they differ).
 */
function recordPrototypes(app: TestApp) {
  const seen: Array<{ request: object | null; response: object | null }> = [];
  (app.app.getHttpServer() as http.Server).prependListener('request', (req, res) =>
    seen.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) }),
  );
  const express = app.app.getHttpAdapter().getInstance() as Express;
  return { seen, express };
}

async function callEcho(app: TestApp, opened: { clients: Client[] }): Promise<unknown> {
  const client = new Client({ name: 'adapter-test', version: '1.0.0' });
  opened.clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(app.url));
  const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  return result.content;
}

/** Resolves once the server holds a connection. */
async function untilConnected(server: http.Server): Promise<void> {
  const count = () => new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
  while ((await count()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** A self-signed certificate for 127.0.0.1, made with the openssl command line. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-adapter-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function httpsGet(url: URL): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('McpExpressAdapter', () => {
  const opened = closedAfterEach();

  it("serves MCP sessions with each request and response built on Express's prototypes", async () => {
    const app = await createTestApp({}, { httpAdapter: new McpExpressAdapter() });
    opened.apps.push(app);
    const { seen, express } = recordPrototypes(app);

    expect(await callEcho(app, opened)).toEqual([{ type: 'text', text: 'hi' }]);
    expect(seen.length).toBeGreaterThanOrEqual(3); // initialize, initialized, tools/call
    for (const built of seen) {
      expect(built.request).toBe(express.request);
      expect(built.response).toBe(express.response);
    }
  });

  it("leaves Nest's ExpressAdapter to Node's own prototypes, which Express then swaps", async () => {
    const app = await createTestApp({}, { httpAdapter: new ExpressAdapter() });
    opened.apps.push(app);
    const { seen, express } = recordPrototypes(app);

    expect(await callEcho(app, opened)).toEqual([{ type: 'text', text: 'hi' }]);
    expect(seen[0].request).toBe(http.IncomingMessage.prototype);
    expect(seen[0].request).not.toBe(express.request);
  });

  it('keeps forceCloseConnections: closing the app drops a request still open', async () => {
    const app = await createTestApp(
      {},
      {
        httpAdapter: new McpExpressAdapter(),
        appOptions: { forceCloseConnections: true },
        imports: [ProbeModule],
      },
    );
    const hanging = new Promise<string>((resolve) => {
      http
        .get(new URL('/probe/hang', app.url), () => resolve('answered'))
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    await untilConnected(app.app.getHttpServer() as http.Server);

    await app.close();
    expect(await hanging).toBe('ECONNRESET');
  });

  it('serves HTTPS with httpsOptions, on the same prototypes', async () => {
    const app = await createTestApp(
      {},
      {
        httpAdapter: new McpExpressAdapter(),
        appOptions: { httpsOptions: selfSignedCertificate() },
        imports: [ProbeModule],
      },
    );
    opened.apps.push(app);
    const { seen, express } = recordPrototypes(app);

    expect(app.app.getHttpServer()).toBeInstanceOf(https.Server);
    expect(await httpsGet(new URL('/probe/hello', app.url))).toEqual({
      status: 200,
      body: 'hello',
    });
    expect(seen).toEqual([{ request: express.request, response: express.response }]);
  });
});
