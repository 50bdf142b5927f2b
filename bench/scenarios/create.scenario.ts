/** Session creation: `initialize` then `notifications/initialized`, as fast as they go. */
import autocannon, { type AutocannonOptions } from 'autocannon';
import { initializeParams } from '../client.js';
import { ServerProcess } from '../child-process.js';
import { MCP_PATH, PROTOCOL_VERSION, type ServerKind } from '../common.js';
import { KIND_LABEL, SETTINGS, log, profileArgs } from '../settings.js';
import { measure, median } from './shared.js';

/** One server's creation run (or, from the scenario, the medians of its runs). */
export interface CreateRow {
  server: ServerKind;
  label: string;
  sessionsPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** Sessions per second of each round; only on the scenario's rows. */
  rounds?: number[];
}

/** Each connection initializes a session, then confirms it with the id it got back. */
function createLoad(port: number): AutocannonOptions {
  const initBody = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: initializeParams(),
  });
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: SETTINGS.create.connections,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: MCP_PATH,
        headers,
        body: initBody,
        onResponse: (_status, _body, context, responseHeaders) => {
          context.sessionId =
            responseHeaders['mcp-session-id'] ?? responseHeaders['Mcp-Session-Id'];
        },
      },
      {
        method: 'POST',
        path: MCP_PATH,
        setupRequest: (request, context) => ({
          ...request,
          method: 'POST',
          path: MCP_PATH,
          headers: {
            ...headers,
            'mcp-session-id': String(context.sessionId),
            'mcp-protocol-version': PROTOCOL_VERSION,
          },
          body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
        }),
      },
    ],
  };
}

async function createRun(kind: ServerKind): Promise<CreateRow> {
  const server = await ServerProcess.start({ kind, json: false }, profileArgs(kind, 'create'));
  try {
    const load = createLoad(server.port);
    const s = SETTINGS.create;
    await autocannon(
      'amount' in s ? { ...load, amount: 40 } : { ...load, duration: s.warmupSeconds },
    );
    const summary = await measure(
      'amount' in s ? { ...load, amount: s.amount } : { ...load, duration: s.seconds },
    );
    const row: CreateRow = {
      server: kind,
      label: KIND_LABEL[kind],
      sessionsPerSecond: summary.rps / 2,
      requestsPerSecond: summary.rps,
      p50: summary.p50,
      p99: summary.p99,
      requests: summary.requests,
      errors: summary.errors,
      non2xx: summary.non2xx,
    };
    log(`create ${kind}: ${row.sessionsPerSecond.toFixed(0)} sessions/s, non2xx ${row.non2xx}`);
    return row;
  } finally {
    await server.stop();
  }
}

function medianRow(rows: CreateRow[]): CreateRow {
  return {
    ...rows[0],
    sessionsPerSecond: median(rows.map((r) => r.sessionsPerSecond)),
    requestsPerSecond: median(rows.map((r) => r.requestsPerSecond)),
    p50: median(rows.map((r) => r.p50)),
    p99: median(rows.map((r) => r.p99)),
    requests: rows.reduce((sum, r) => sum + r.requests, 0),
    errors: rows.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rows.reduce((sum, r) => sum + r.non2xx, 0),
    rounds: rows.map((r) => r.sessionsPerSecond),
  };
}

/** Rounds alternate between the servers (a fresh process each); rows report medians. */
export async function createScenario(): Promise<CreateRow[]> {
  const kinds: ServerKind[] = ['module', 'sdk-express'];
  const runs = new Map<ServerKind, CreateRow[]>();
  for (let round = 0; round < SETTINGS.create.rounds; round++) {
    for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
      runs.set(kind, [...(runs.get(kind) ?? []), await createRun(kind)]);
    }
  }
  return kinds.map((kind) => medianRow(runs.get(kind) ?? []));
}
