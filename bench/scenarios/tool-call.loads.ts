/** The warm scenario's loads: `tools/call` on 2025 sessions, and in the 2026-07-28 era. */
import type { AutocannonOptions } from 'autocannon';
import {
  MCP_PATH,
  MODERN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  TOOL_NAME,
  TOOL_TEXT,
} from '../common.js';

let rpcId = 0;

/** The params of the echo call, as JSON, with `extra` fields after the arguments. */
const toolCallBody = (extra = '') =>
  `{"jsonrpc":"2.0","id":${++rpcId},"method":"tools/call","params":{"name":"${TOOL_NAME}","arguments":{"text":"${TOOL_TEXT}"}${extra}}}`;

/** A POST load on the MCP endpoint whose requests `next` makes, one each. */
function postLoad(
  port: number,
  connections: number,
  next: () => { headers: Record<string, string>; body: string },
): AutocannonOptions {
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: MCP_PATH,
        setupRequest: (request: object) => ({
          ...request,
          method: 'POST',
          path: MCP_PATH,
          ...next(),
        }),
      },
    ],
  };
}

/** Each request goes to the next session round-robin, with a unique JSON-RPC id. */
export function toolCallLoad(port: number, sessions: string[], connections: number) {
  let turn = 0;
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL_VERSION,
  };
  return postLoad(port, connections, () => ({
    headers: { ...headers, 'mcp-session-id': sessions[turn++ % sessions.length] },
    body: toolCallBody(),
  }));
}

/** A 2026-07-28 `tools/call`: no session, the protocol version in the body's envelope. */
export function modernToolCallLoad(port: number, connections: number) {
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
  return postLoad(port, connections, () => ({
    headers,
    body: toolCallBody(`,"_meta":${envelope}`),
  }));
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
