import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpResourceSubscriptions, Resource } from '../lib/index.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { waitFor } from './fixtures/wait-for.js';

/** URIs written as people write them, not as `new URL()` prints them. */
@Injectable()
class DocsResources {
  @Resource({ uri: 'https://docs.example.com', mimeType: 'text/plain' })
  home() {
    return 'home page';
  }

  @Resource({ uri: 'Notes://Inbox', mimeType: 'text/plain' })
  inbox() {
    return 'inbox';
  }
}

const textOf = (result: { contents: unknown[] }) => (result.contents[0] as { text: string }).text;

describe('resource URIs: listed, read and notified in one form', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await createTestApp({}, { providers: [DocsResources] });
    client = new Client({ name: 'uri-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(app.url));
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('reads each resource at the URI it is listed under, and as it was written', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['https://docs.example.com/', 'notes://Inbox']);
    const read = async (uri: string) => textOf(await client.readResource({ uri }));
    expect(await read('https://docs.example.com/')).toBe('home page');
    expect(await read('https://docs.example.com')).toBe('home page');
    expect(await read('notes://Inbox')).toBe('inbox');
    expect(await read('Notes://Inbox')).toBe('inbox');
  });

  it('notifies a subscription made with the listed URI when the app names it as written', async () => {
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await client.subscribeResource({ uri: 'notes://Inbox' });
    const subscriptions = app.app.get(McpResourceSubscriptions);
    expect(await subscriptions.notifyUpdated('Notes://Inbox')).toBe(1);
    await waitFor(() => updates.length === 1);
    // As the client subscribed, so that it recognises its own subscription.
    expect(updates).toEqual(['notes://Inbox']);

    await client.unsubscribeResource({ uri: 'Notes://Inbox' });
    expect(await subscriptions.notifyUpdated('notes://Inbox')).toBe(0);
  });
});
