/** The 2026-07-28 load of the warm scenario: `tools/call` with no session. */
import type { AutocannonOptions } from 'autocannon';
import { MCP_PATH, MODERN_PROTOCOL_VERSION, TOOL_NAME, TOOL_TEXT } from '../common.js';

let rpcId = 0;

/** A 2026-07-28 `tools/call`: no session, the protocol version in the body's envelope. */
export function modernToolCallLoad(port: number, connections: number): AutocannonOptions {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
    'mcp-method': 'tools/call',
    'mcp-name': TOOL_NAME,
  };
  const envelope = JSON.stringify({
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  });
  const body = () =>
    `{"jsonrpc":"2.0","id":${++rpcId},"method":"tools/call","params":{"name":"${TOOL_NAME}","arguments":{"text":"${TOOL_TEXT}"},"_meta":${envelope}}}`;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: MCP_PATH,
        setupRequest: (request: object) => ({ ...request, headers, body: body() }),
      },
    ],
  };
}

/** A modern server must answer the tool before it is measured. */
export async function checkModernAnswer(load: AutocannonOptions): Promise<void> {
  const request = load.requests![0] as {
    setupRequest: (r: object) => { headers: Record<string, string>; body: string };
  };
  const { headers, body } = request.setupRequest({});
  const response = await fetch(`${String(load.url)}${MCP_PATH}`, { method: 'POST', headers, body });
  const text = await response.text();
  if (!text.includes(`"text":"${TOOL_TEXT}"`)) {
    throw new Error(`2026-07-28 tools/call failed: HTTP ${response.status} ${text.slice(0, 200)}`);
  }
}
