import { afterEach, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { deferred } from './fixtures/deferred.js';
import { initializeRequest, PROTOCOL_VERSION, post, textOf } from './fixtures/mcp-http.js';
import { freePort, ServerProcess } from './fixtures/server-process.js';

/** The compiled conformance server: `test_elicitation` waits for the client's answer. */
const CONFORMANCE_MAIN = resolve('dist/sample/conformance/main.js');

/** An SDK client with a `test_elicitation` call in flight until its user answers. */
async function clientWithCallInFlight(url: URL) {
  const client = new Client(
    { name: 'drain-test', version: '1.0.0' },
    { capabilities: { elicitation: {} } },
  );
  const asked = deferred();
  const userAnswers = deferred();
  client.setRequestHandler(ElicitRequestSchema, async () => {
    asked.resolve();
    await userAnswers.promise;
    return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
  });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  const call = client.callTool(
    { name: 'test_elicitation', arguments: { message: 'Who are you?' } },
    undefined,
    { timeout: 30_000 },
  );
  // Settled now, so a rejection is never unhandled; awaited by the test.
  const outcome = call.then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  await asked.promise; // the tool now waits for the user
  return { client, sessionId: transport.sessionId!, outcome, answer: () => userAnswers.resolve() };
}

/** Sends `send` until the server answers 503 (once SIGTERM has reached it). */
async function untilRefused<T extends { status: number }>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await send();
    if (response.status === 503) return response;
    await sleep(20);
  }
  throw new Error('the server never refused new work');
}

const expectShuttingDownRefusal = (
  response: { status: number; headers: Record<string, string>; text: string },
  id: number | null,
) => {
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('5');
  expect(JSON.parse(response.text)).toEqual({
    jsonrpc: '2.0',
    id,
    error: { code: -32000, message: 'Server shutting down, retry later' },
  });
};

describe('graceful drain on SIGTERM (a real process)', () => {
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.kill()));
  });

  async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const port = await freePort();
    const server = new ServerProcess(port, env, CONFORMANCE_MAIN, 'conformance fixture listening');
    servers.push(await server.start());
    return server;
  }

  it('refuses new work with 503 and Retry-After, lets the call in flight finish, and exits without waiting out the grace', async () => {
    const server = await start(); // the default shutdownGraceMs: 10 s
    const inFlight = await clientWithCallInFlight(server.url);
    clients.push(inFlight.client);
    const { origin, pathname } = server.url;

    const sigterm = Date.now();
    process.kill(server.pid!, 'SIGTERM');
    // A new request on the live session, while its call is still in flight.
    const listTools = { jsonrpc: '2.0', id: 7, method: 'tools/list' };
    const refused = await untilRefused(() => post(origin, pathname, listTools, inFlight.sessionId));
    expectShuttingDownRefusal(refused, 7);
    // A new session, and a new standalone GET stream.
    expectShuttingDownRefusal(await post(origin, pathname, initializeRequest(3)), 3);
    const stream = await request(origin)
      .get(pathname)
      .set('Accept', 'text/event-stream')
      .set('Mcp-Session-Id', inFlight.sessionId)
      .set('Mcp-Protocol-Version', PROTOCOL_VERSION);
    expectShuttingDownRefusal(stream, null);

    // The client's answer to the server's question still gets through, and the call ends.
    inFlight.answer();
    const { result, error } = await inFlight.outcome;
    expect(error).toBeUndefined();
    expect(textOf(result)).toBe(
      'User response: action=accept, content={"username":"ada","email":"ada@example.com"}',
    );
    // Nothing left in flight: shutdown goes on at once (the SDK client's GET stream does not hold it).
    expect(await server.exited()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - sigterm).toBeLessThan(6000);
    expect(server.output).not.toMatch(/still running after shutdownGraceMs/);
  });

  it('answers a call still running after the grace with a JSON-RPC error, then exits', async () => {
    const server = await start({ SHUTDOWN_GRACE_MS: '1000' });
    const inFlight = await clientWithCallInFlight(server.url); // never answered
    clients.push(inFlight.client);

    const sigterm = Date.now();
    process.kill(server.pid!, 'SIGTERM');
    const { result, error } = await inFlight.outcome;
    const answeredAfter = Date.now() - sigterm;
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32000);
    expect((error as McpError).message).toBe(
      'MCP error -32000: Server shutting down: the request did not finish in time, retry it',
    );
    // After the grace, not after the client's 30 s timeout.
    expect(answeredAfter).toBeGreaterThanOrEqual(950);
    expect(answeredAfter).toBeLessThan(5000);
    expect(await server.exited()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - sigterm).toBeLessThan(8000);
    expect(server.output).toContain(
      'Shutting down: 1 request(s) still running after shutdownGraceMs (1000 ms) get an error',
    );
  });
});
