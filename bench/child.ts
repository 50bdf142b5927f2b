/**
 * A child process that runs one benchmarked server, so every scenario gets a fresh
 * process and the load generator does not share its event loop. The parent talks to it
 * over the IPC channel (see `ChildRequest`).
 */
import { getHeapStatistics } from 'node:v8';
import type {
  ChildMessage,
  ChildRequest,
  NodeLimits,
  RunningServer,
  ServerConfig,
} from './common.js';

const send = (message: ChildMessage) => process.send?.(message);

async function start(config: ServerConfig): Promise<RunningServer> {
  switch (config.kind) {
    case 'module':
      return (await import('./servers/module-server.js')).startModuleServer(config);
    case 'sdk-express':
      return (await import('./servers/sdk-express-server.js')).startSdkExpressServer(config);
    case 'mcp-nest':
      return (await import('./servers/mcp-nest-server.js')).startMcpNestServer(config);
    case 'ceiling':
      return (await import('./servers/ceiling-server.js')).startCeilingServer(config);
    case 'v2-handler':
      return (await import('./servers/v2-handler-server.js')).startV2HandlerServer();
  }
}

function memory() {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

/**
 * The memory limit Node read at startup and the heap size V8 took from it. Without a
 * limit, Node 20 reports 2^64 - 1 here (other versions may report 0), hence the bound.
 */
function nodeLimits(): NodeLimits {
  const constrained = process.constrainedMemory?.();
  return {
    constrainedMemory: constrained && constrained < 2 ** 62 ? constrained : undefined,
    heapSizeLimit: getHeapStatistics().heap_size_limit,
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_SERVER ?? '{}') as ServerConfig;
  let peakRss = process.memoryUsage.rss();
  if (config.trackPeakRss) {
    setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20).unref();
  }
  let server: RunningServer;
  try {
    server = await start(config);
  } catch (error) {
    send({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }

  process.on('message', (request: ChildRequest) => {
    const reply = async (): Promise<unknown> => {
      switch (request.cmd) {
        case 'memory':
          if (request.gc && global.gc) {
            global.gc();
            global.gc();
          }
          return memory();
        case 'peakRss':
          return Math.max(peakRss, process.memoryUsage.rss());
        case 'storeCounts':
          return server.storeCounts?.(request.reset);
        case 'evict':
          return server.evict?.(request.ids);
        case 'liveCount':
          return server.liveCount?.();
        case 'cpuUsage':
          return process.cpuUsage();
        case 'nodeLimits':
          return nodeLimits();
        case 'storeLoadLatencies':
          return server.storeLoadLatencies?.(request.count);
        case 'close':
          await server.close();
          setImmediate(() => process.exit(0));
          return true;
      }
    };
    reply().then(
      (value) => send({ type: 'reply', id: request.id, value }),
      (error: unknown) =>
        send({
          type: 'reply',
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  send({ type: 'ready', port: server.port });
}

void main();
