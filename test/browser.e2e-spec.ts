import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { callPage, launchChromium, openMcpPage } from './fixtures/browser-page.driver.js';
import { bundlePageScript, PageServer } from './fixtures/browser-page.server.js';
import { freePort, ServerProcess } from './fixtures/server-process.js';

describe('a web page on another origin, in headless Chromium, with the official SDK client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-browser-'));
  let browser: Browser;
  /** The origin the sample's CORS_ORIGIN allows, and one it does not. */
  let allowed: PageServer;
  let other: PageServer;
  const servers: ServerProcess[] = [];
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const script = await bundlePageScript();
    [allowed, other] = await Promise.all([PageServer.start(script), PageServer.start(script)]);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
    await Promise.all(servers.splice(0).map((server) => server.kill()));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed?.close(), other?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The sample with its file store and the README's CORS recipe for `allowed`. */
  async function startSample(port: number): Promise<ServerProcess> {
    const env = {
      SESSION_FILE: join(dir, 'sessions.json'),
      REDIS_URL: '',
      CORS_ORIGIN: allowed.origin,
    };
    const server = await new ServerProcess(port, env).start();
    servers.push(server);
    return server;
  }

  async function open(origin: string): Promise<Page> {
    const page = await openMcpPage(browser, origin);
    pages.push(page);
    return page;
  }

  it('initializes, calls a tool, and resumes its session after the server restarts', async () => {
    const port = await freePort();
    const first = await startSample(port);
    const url = first.url.href;
    const page = await open(allowed.origin);
    expect(await page.evaluate(() => location.origin)).not.toBe(first.url.origin);

    const sessionId = await callPage(page, 'connect', url);
    expect(sessionId).toMatch(/^[\x21-\x7e]+$/);
    const added = await callPage(page, 'callTool', 'add_note', { text: 'from the browser' });
    expect(added).toMatchObject({ isError: false, text: expect.stringMatching(/^Noted \(1 note/) });

    await first.kill('SIGTERM');
    const second = await startSample(port);
    expect(second.pid).not.toBe(first.pid);

    expect(await callPage(page, 'resume', url, sessionId)).toBe(sessionId);
    const info = await callPage(page, 'callTool', 'session_info');
    expect(info.text).toContain(`Session ${sessionId}, restored on this instance (restore)`);
    const notes = await callPage(page, 'callTool', 'list_notes');
    expect(notes.structured).toEqual({ notes: ['from the browser'] });
    expect(second.output).toContain(`Session ${sessionId} restored (restore) for browser-page`);
  }, 60_000);

  it('is refused by the browser on an origin the CORS recipe does not list', async () => {
    const server = await startSample(await freePort());
    const page = await open(other.origin);
    await expect(callPage(page, 'connect', server.url.href)).rejects.toThrow(/Failed to fetch/);
    // The same page script works from the listed origin.
    const listed = await open(allowed.origin);
    expect(await callPage(listed, 'connect', server.url.href)).toBeTruthy();
  }, 60_000);
});
