import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import * as http from 'node:http';
import * as https from 'node:https';

/** Node's request and response constructors, run as plain functions on a new object. */
type NodeConstructor = (this: object, first: unknown, second?: unknown) => void;

/**
 * A constructor that builds `base` objects whose prototype is `prototype` from the start.
 * It runs `base` on the object as a function: `Reflect.construct` would accept a class
 * too, but it cost the bench server a third of its throughput.
 */
function constructing<T>(base: T, prototype: object): T {
  const init = base as unknown as NodeConstructor;
  function Prototyped(this: object, first: unknown, second?: unknown): void {
    init.call(this, first, second);
  }
  Prototyped.prototype = prototype;
  return Prototyped as unknown as T;
}

/** Whether every constructor can run as a plain function on a new object (none is a class). */
export const runnableAsFunctions = (...constructors: object[]): boolean =>
  constructors.every((base) => !Function.prototype.toString.call(base).startsWith('class'));

/**
 * The HTTP server options that make Node build each request and response with Express's
 * prototypes (`app.request`, `app.response`), which Express would otherwise set on every
 * request with `Object.setPrototypeOf`.
 */
function expressPrototypes(
  app: Express,
): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  return {
    IncomingMessage: constructing(http.IncomingMessage, app.request),
    ServerResponse: constructing(http.ServerResponse, app.response),
  };
}

/**
 * Nest's `ExpressAdapter`, with an HTTP server that creates requests and responses with
 * Express's prototypes already in place.
 *
 * Express 5 moves every request and response onto its own prototypes as it starts
 * handling them. Changing the prototype of a live object is slow in V8: in our bench it
 * cost a fifth to nearly half of the module's warm `tools/call` throughput, and it makes
 * every request's objects survive into the old generation, so the heap grows faster
 * between full collections (see BENCHMARKS.md). With this adapter Express finds the
 * prototypes already set, and its own code has nothing to change. Everything else is
 * Nest's `ExpressAdapter` (`httpsOptions`, `forceCloseConnections`,
 * `return503OnClosing`...), for every route of the application, not only the MCP
 * endpoint.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule, new McpExpressAdapter());
 * await app.listen(3000);
 * ```
 */
export class McpExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    if (!runnableAsFunctions(http.IncomingMessage, http.ServerResponse)) return;
    const app = this.getInstance<Express>();
    const prototypes = expressPrototypes(app);
    const server = options?.httpsOptions
      ? https.createServer({ ...options.httpsOptions, ...prototypes }, app)
      : http.createServer(prototypes, app);
    this.adoptConnectionListeners(this.getHttpServer() as http.Server, server);
    this.setHttpServer(server);
  }

  /**
   * Moves the `connection` listeners that Nest added to the server it made (to track open
   * connections for `forceCloseConnections`) onto `to`. Node's own listener is the same
   * function on every server, and `to` has it already.
   */
  private adoptConnectionListeners(from: http.Server, to: http.Server): void {
    const own = new Set(to.listeners('connection'));
    for (const listener of from.listeners('connection')) {
      if (!own.has(listener)) to.on('connection', listener as (...args: unknown[]) => void);
    }
  }
}
