import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MCP_PATH, PROTOCOL_VERSION, TOOL_NAME, TOOL_TEXT } from './common.js';

/** A small MCP-over-HTTP client for setup and latency probes (keep-alive, loopback only). */
export class McpHttpClient {
  private readonly agent: Agent;
  private nextId = 1;

  constructor(
    private readonly port: number,
    maxSockets = 16,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  post(
    body: unknown,
    sessionId?: string,
  ): Promise<{ status: number; sessionId?: string; body: string; ms: number }> {
    const payload = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': String(Buffer.byteLength(payload)),
    };
    if (sessionId) {
      headers['mcp-session-id'] = sessionId;
      headers['mcp-protocol-version'] = PROTOCOL_VERSION;
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: MCP_PATH,
          method: 'POST',
          agent: this.agent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const header = res.headers['mcp-session-id'];
            resolve({
              status: res.statusCode ?? 0,
              sessionId: typeof header === 'string' ? header : undefined,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** `initialize` then `notifications/initialized`; returns the new session id. */
  async createSession(): Promise<string> {
    const init = await this.post({
      jsonrpc: '2.0',
      id: this.nextId++,
      method: 'initialize',
      params: initializeParams(),
    });
    if (init.status !== 200 || !init.sessionId) {
      throw new Error(`initialize failed: HTTP ${init.status} ${init.body.slice(0, 200)}`);
    }
    const done = await this.post(
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      init.sessionId,
    );
    if (done.status !== 202) throw new Error(`initialized failed: HTTP ${done.status}`);
    return init.sessionId;
  }

  /** One `tools/call` of the bench tool; throws unless it answered the echoed text. */
  async callTool(sessionId: string): Promise<number> {
    const res = await this.post(
      {
        jsonrpc: '2.0',
        id: this.nextId++,
        method: 'tools/call',
        params: { name: TOOL_NAME, arguments: { text: TOOL_TEXT } },
      },
      sessionId,
    );
    const result = res.status === 200 ? jsonRpcPayload(res.body) : undefined;
    const text = (result as { result?: { content?: Array<{ text?: string }> } } | undefined)?.result
      ?.content?.[0]?.text;
    if (text !== TOOL_TEXT) {
      throw new Error(`tools/call failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    }
    return res.ms;
  }
}

export function initializeParams() {
  return {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'bench-client', version: '1.0.0' },
  };
}

/** The JSON-RPC message in a JSON or SSE response body. */
export function jsonRpcPayload(body: string): unknown {
  if (body.startsWith('{')) return JSON.parse(body);
  const data = body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6))
    .find((line) => line.trim().length > 0);
  return data ? JSON.parse(data) : undefined;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
