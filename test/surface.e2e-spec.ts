import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import { McpResourceSubscriptions, McpSessionManager, Resource } from '../lib/index.js';
import { waitFor } from './fixtures/wait-for.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';

async function connect(app: TestApp) {
  const client = new Client(
    { name: 'surface-client', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: {} } },
  );
  const transport = new StreamableHTTPClientTransport(app.url);
  await client.connect(transport);
  return { client, transport };
}

describe('server surface: resources, templates, prompts, tools and the request context', () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await createTestApp({}, { providers: [SurfaceProvider] });
    ({ client } = await connect(app));
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('declares the capabilities of what was discovered', () => {
    const caps = client.getServerCapabilities();
    expect(caps).toMatchObject({
      tools: {},
      resources: { subscribe: true },
      prompts: {},
      completions: {},
      logging: {},
    });
  });

  it('lists and reads a @Resource as text, with the handler context', async () => {
    const { resources } = await client.listResources();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          uri: 'config://app',
          name: 'settings',
          mimeType: 'application/json',
          description: 'App settings',
        }),
        expect.objectContaining({ uri: 'bin://logo', name: 'logo' }),
      ]),
    );
    const read = await client.readResource({ uri: 'config://app' });
    expect(read.contents).toHaveLength(1);
    expect(read.contents[0]).toMatchObject({ uri: 'config://app', mimeType: 'application/json' });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body).toMatchObject({ uri: 'config://app', session: expect.any(String) });
    expect(body.session.length).toBeGreaterThan(0);
  });

  it('reads bytes returned by a @Resource as a base64 blob', async () => {
    const read = await client.readResource({ uri: 'bin://logo' });
    expect(read.contents[0]).toEqual({
      uri: 'bin://logo',
      mimeType: 'image/png',
      blob: Buffer.from([1, 2, 3, 250]).toString('base64'),
    });
  });

  it('lists a @ResourceTemplate, reads through it and completes its variables', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ name: 'color', uriTemplate: 'colors://{name}/hex' }),
    ]);
    const read = await client.readResource({ uri: 'colors://green/hex' });
    expect(read.contents[0]).toMatchObject({
      uri: 'colors://green/hex',
      text: 'green=#677265',
    });
    const completion = await client.complete({
      ref: { type: 'ref/resource', uri: 'colors://{name}/hex' },
      argument: { name: 'name', value: 'gr' },
    });
    expect(completion.completion.values).toEqual(['green', 'grey']);
  });

  it('lists and gets a @Prompt, completes its arguments and names a bad one', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'paint',
          arguments: [
            expect.objectContaining({ name: 'color', required: true }),
            expect.objectContaining({ name: 'subject', required: true }),
          ],
        }),
        expect.objectContaining({ name: 'plain', description: 'No arguments' }),
      ]),
    );
    const got = await client.getPrompt({
      name: 'paint',
      arguments: { color: 'blue', subject: 'the sky' },
    });
    expect(got.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Paint the sky in blue.' } },
    ]);
    const plain = await client.getPrompt({ name: 'plain' });
    expect(plain.messages[0]).toMatchObject({ role: 'assistant' });

    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'paint' },
      argument: { name: 'color', value: 'r' },
    });
    expect(completion.completion.values).toEqual(['red']);

    await expect(client.getPrompt({ name: 'paint', arguments: { color: 'red' } })).rejects.toThrow(
      /subject/,
    );
  });

  it('lists tool annotations and output schemas, and returns structured content', async () => {
    const { tools } = await client.listTools();
    const add = tools.find((t) => t.name === 'add');
    expect(add?.annotations).toEqual({ readOnlyHint: true, idempotentHint: true });
    expect(add?.outputSchema).toMatchObject({ type: 'object', properties: { sum: {} } });
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.structuredContent).toEqual({ sum: 5 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":5}' }]);
  });

  it('returns every content type a tool produces', async () => {
    const result = await client.callTool({ name: 'everyContent', arguments: {} });
    expect((result.content as Array<{ type: string }>).map((c) => c.type)).toEqual([
      'text',
      'image',
      'audio',
      'resource',
      'resource_link',
    ]);
    expect((result.content as unknown[])[4]).toEqual({
      type: 'resource_link',
      uri: 'bin://logo',
      name: 'logo',
      mimeType: 'image/png',
    });
  });

  it('names the argument that failed validation in an isError result', async () => {
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 'three' } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0].text).toBe(
      'MCP error -32602: Input validation error: Invalid arguments for tool add: ' +
        'Invalid input: expected number, received string at b',
    );
  });

  it('sends log messages at or above the level the client set, and only those', async () => {
    const logs: LoggingMessageNotification['params'][] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params);
    });
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'chatty', arguments: {} });
    expect(logs.map((l) => l.data)).toEqual(['info message', 'error message']);
    logs.length = 0;
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'chatty', arguments: {} });
    expect(logs).toEqual([{ level: 'error', data: 'error message', logger: 'surface' }]);
  });

  it('reports progress to a client that asked for it', async () => {
    const progress: number[] = [];
    const result = await client.callTool({ name: 'steps', arguments: { steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.content).toEqual([{ type: 'text', text: '3 steps' }]);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('asks the client for sampling with ctx.createMessage', async () => {
    const questions: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      questions.push(request.params.messages[0].content);
      return {
        role: 'assistant',
        model: 'test-model',
        content: { type: 'text', text: 'forty-two' },
      };
    });
    const result = await client.callTool({ name: 'ask', arguments: { question: 'answer?' } });
    expect(result.content).toEqual([{ type: 'text', text: 'forty-two' }]);
    expect(questions).toEqual([{ type: 'text', text: 'answer?' }]);
  });

  it('asks the user for input with ctx.elicitInput', async () => {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      expect(request.params.message).toBe('Your name?');
      return { action: 'accept', content: { name: 'Ada' } };
    });
    const result = await client.callTool({ name: 'askName', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'accept:Ada' }]);
  });

  it('fails sampling cleanly when the client lacks the capability', async () => {
    const bare = new Client({ name: 'bare', version: '1.0.0' });
    await bare.connect(new StreamableHTTPClientTransport(app.url));
    const result = await bare.callTool({ name: 'ask', arguments: { question: 'x' } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0].text).toMatch(/sampling/i);
    await bare.close();
  });

  it('notifies resource updates to subscribed sessions only, until they unsubscribe', async () => {
    const other = await connect(app);
    const updates: string[] = [];
    const otherUpdates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    other.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      otherUpdates.push(n.params.uri);
    });

    // Not subscribed yet: nothing is sent.
    expect(await client.callTool({ name: 'touchConfig', arguments: {} })).toMatchObject({
      content: [{ type: 'text', text: 'false' }],
    });
    await client.subscribeResource({ uri: 'config://app' });
    expect(await client.callTool({ name: 'touchConfig', arguments: {} })).toMatchObject({
      content: [{ type: 'text', text: 'true' }],
    });
    expect(updates).toEqual(['config://app']);

    // From outside a request: every subscribed session of the process, on its GET stream.
    const subscriptions = app.app.get(McpResourceSubscriptions);
    expect(await subscriptions.notifyUpdated('config://app')).toBe(1);
    await waitFor(() => updates.length === 2);
    await other.client.subscribeResource({ uri: 'config://app' });
    expect(await subscriptions.notifyUpdated('config://app')).toBe(2);
    await waitFor(() => updates.length === 3 && otherUpdates.length === 1);

    await client.unsubscribeResource({ uri: 'config://app' });
    expect(await subscriptions.notifyUpdated('config://app')).toBe(1);
    await waitFor(() => otherUpdates.length === 2);
    expect(updates).toHaveLength(3);

    // A session that leaves memory is notified no more (it re-subscribes once restored).
    const manager = app.app.get(McpSessionManager);
    expect(await manager.evict(other.transport.sessionId as string)).toBe(true);
    expect(await subscriptions.notifyUpdated('config://app')).toBe(0);
    await other.client.close();
  });
});

@Injectable()
class DuplicateResource {
  @Resource({ uri: 'config://app' })
  again(): string {
    return 'again';
  }
}

describe('bootstrap checks', () => {
  it('fails with a clear message when two methods claim one resource URI', async () => {
    await expect(
      createTestApp({}, { providers: [SurfaceProvider, DuplicateResource] }),
    ).rejects.toThrow(
      'Duplicate MCP resource URI "config://app" on DuplicateResource.again and SurfaceProvider.settings',
    );
  });
});
