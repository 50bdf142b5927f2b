import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernTransport,
} from '@modelcontextprotocol/client';
import { Injectable } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Tool, type McpModuleOptions } from '../lib/index.js';
import { freePort, ServerProcess } from './fixtures/server-process.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

const MODERN = '2026-07-28';
type Mode = 'legacy' | 'auto' | { pin: string };

/** A tool the 2025 path lists, but whose schema 2026-07-28 cannot express. */
@Injectable()
class DateTools {
  @Tool({ description: 'Takes a date', inputSchema: { when: z.date() } })
  schedule({ when }: { when: Date }) {
    return when.toISOString();
  }
}

describe('both protocol eras: what bootstrap decides', () => {
  const opened: { apps: TestApp[]; clients: ModernClient[] } = { apps: [], clients: [] };
  afterEach(async () => {
    await Promise.all(opened.clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(opened.apps.splice(0).map((a) => a.close().catch(() => undefined)));
  });

  const app = async (options: Partial<McpModuleOptions> = {}, providers: unknown[] = []) => {
    const started = await createTestApp(
      { protocol: 'dual', ...options },
      { providers: [SurfaceProvider, ...(providers as never[])] },
    );
    opened.apps.push(started);
    return started;
  };

  const modernClient = async (url: URL, mode: Mode) => {
    const client = new ModernClient(
      { name: 'v2-client', version: '1.0.0' },
      { versionNegotiation: { mode } },
    );
    const transport = new ModernTransport(url);
    await client.connect(transport);
    opened.clients.push(client);
    return { client, transport };
  };

  it('serves 2025 only, with one log line, when the v2 package is not installed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-eras-'));
    const hook = resolve('test/fixtures/without-v2-server.mjs');
    const env = {
      SESSION_FILE: join(dir, 'sessions.json'),
      REDIS_URL: '',
      NODE_OPTIONS: `--import=${pathToFileURL(hook).href}`,
    };
    const sample = await new ServerProcess(await freePort(), env).start();
    try {
      const lines = sample.output.split('\n').filter((line) => line.includes('2025 clients only'));
      expect(lines).toHaveLength(1);
      await expect(modernClient(sample.url, { pin: MODERN })).rejects.toThrow();
      const { client, transport } = await modernClient(sample.url, 'auto');
      expect(client.getNegotiatedProtocolVersion()).not.toBe(MODERN);
      expect(transport.sessionId).toEqual(expect.any(String));
    } finally {
      await sample.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('fails bootstrap for a protocol or requestState option it cannot use, naming it', async () => {
    await expect(app({ protocol: 'modern' as never })).rejects.toThrow(/option "protocol"/);
    await expect(app({ requestState: { verify: 'no' as never } })).rejects.toThrow(
      /option "requestState.verify"/,
    );
  });
  it('fails bootstrap, saying what to fix, when 2026-07-28 clients could not list the tools', async () => {
    await expect(app({}, [DateTools])).rejects.toThrow(
      /2026-07-28 clients could not use tools\/list: .*Date.*protocol: 'legacy'/,
    );
    // Serving 2025 only, the app starts.
    await expect(app({ protocol: 'legacy' }, [DateTools])).resolves.toBeDefined();
  });
});
