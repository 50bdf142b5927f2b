import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A load balancer with no affinity, for tests: each HTTP request goes to the next
 * instance in turn, whatever session it names. Responses (SSE streams included) are
 * streamed back as they come; a client that goes away closes the upstream request.
 *
 * Run: `PORT=3000 TARGETS=3001,3002,3003 node dist/sample/conformance/round-robin-proxy.js`
 */
export function startRoundRobinProxy(port: number, targets: number[], host = '127.0.0.1') {
  let next = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = targets[next++ % targets.length];
    const upstream = request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise<typeof server>((ready) => server.listen(port, host, () => ready(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000);
  const targets = (process.env.TARGETS ?? '').split(',').filter(Boolean).map(Number);
  if (targets.length === 0) throw new Error("TARGETS: the instances' ports, comma-separated");
  void startRoundRobinProxy(port, targets).then(() =>
    console.log(`round-robin proxy on :${port} to ${targets.join(', ')}`),
  );
}
