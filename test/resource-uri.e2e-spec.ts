import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpResourceSubscriptions, Resource, Tool, type McpRequestContext } from '../lib/index.js';
import { appWithClientForSuite } from './fixtures/test-app.js';
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

  @Tool({ description: 'Files a note in the inbox and says so to its subscribers' })
  file(_args: unknown, ctx: McpRequestContext) {
    return ctx.notifyResourceUpdated('Notes://Inbox').then(String);
  }
}

const textOf = (result: { contents: unknown[] }) => (result.contents[0] as { text: string }).text;

describe('resource URIs: listed, read and notified in one form', () => {
  const suite = appWithClientForSuite([DocsResources]);

  it('reads each resource at the URI it is listed under, and as it was written', async () => {
    const { resources } = await suite.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['https://docs.example.com/', 'notes://Inbox']);
    const read = async (uri: string) => textOf(await suite.client.readResource({ uri }));
    expect(await read('https://docs.example.com/')).toBe('home page');
    expect(await read('https://docs.example.com')).toBe('home page');
    expect(await read('notes://Inbox')).toBe('inbox');
    expect(await read('Notes://Inbox')).toBe('inbox');
  });

  it('notifies a subscription made with the listed URI when the app names it as written', async () => {
    const updates: string[] = [];
    suite.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await suite.client.subscribeResource({ uri: 'notes://Inbox' });
    const subscriptions = suite.app.app.get(McpResourceSubscriptions);
    expect(await subscriptions.notifyUpdated('Notes://Inbox')).toBe(1);
    await waitFor(() => updates.length === 1);
    // From a tool, on its request's stream.
    const filed = await suite.client.callTool({ name: 'file', arguments: {} });
    expect(filed.content).toEqual([{ type: 'text', text: 'true' }]);
    await waitFor(() => updates.length === 2);
    // As the client subscribed, so that it recognises its own subscription.
    expect(updates).toEqual(['notes://Inbox', 'notes://Inbox']);

    await suite.client.unsubscribeResource({ uri: 'Notes://Inbox' });
    expect(await subscriptions.notifyUpdated('notes://Inbox')).toBe(0);
  });
});
