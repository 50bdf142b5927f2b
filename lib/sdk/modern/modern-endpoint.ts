import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { Request, Response } from 'express';
import { McpRegistry } from '../../discovery/mcp.registry.js';
import type { ResolvedMcpOptions } from '../../interfaces/mcp-module-options.interface.js';
import type { ServerChange } from '../../interfaces/session-bus.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../../mcp.constants.js';
import { writeWebResponse } from '../web-response.writer.js';
import { ModernServerFactory, type ModernSdk } from './modern-server.factory.js';

const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
const SELF_CHECK_VERSION = '2026-07-28';
const SELF_CHECK_META = {
  [PROTOCOL_VERSION_META_KEY]: SELF_CHECK_VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'nestjs-resumable-mcp', version: 'bootstrap' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
/** Headers a body-less Fetch `Request` must not carry. */
const BODY_HEADERS = new Set(['content-length', 'transfer-encoding']);

const headerOf = (req: Request, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const claimedVersionOf = (body: unknown): string | undefined => {
  const meta = (body as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta;
  const version = meta?.[PROTOCOL_VERSION_META_KEY];
  return typeof version === 'string' ? version : undefined;
};

/**
 * The 2026-07-28 side of the endpoint: with `protocol: 'dual'` and the v2 server package
 * installed, the requests the v2 SDK's own classifier does not call 2025 traffic are
 * answered by its stateless handler (`createMcpHandler(..., { legacy: 'reject' })`),
 * which never touches the session or event store. It also answers the malformed modern
 * claims, as the classifier wants.
 */
@Injectable()
export class ModernEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('McpModule');
  private served?: { sdk: ModernSdk; handler: McpHttpHandler };
  /** The Express request behind each Fetch request handed to the v2 handler. */
  private readonly requests = new WeakMap<object, Request>();

  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly registry: McpRegistry,
  ) {}

  /** After discovery: loads the v2 package if installed, and builds the handler. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.protocol === 'legacy') return;
    let sdk: ModernSdk;
    try {
      sdk = await import('@modelcontextprotocol/server');
    } catch {
      this.logger.log(
        'Serving MCP 2025 clients only: install @modelcontextprotocol/server to serve ' +
          '2026-07-28 clients too (or set protocol: "legacy" to say so)',
      );
      return;
    }
    const { name, version, instructions, requestState } = this.options;
    const servers = new ModernServerFactory(sdk, this.registry, {
      name,
      version,
      instructions,
      requestState,
    });
    const handler = sdk.createMcpHandler(
      ({ requestInfo }) => {
        const request = requestInfo && this.requests.get(requestInfo);
        return servers.create({
          request: request as Request,
          protocolVersion: claimedVersionOf(request?.body),
        });
      },
      {
        legacy: 'reject',
        onerror: (error) => this.logger.debug?.(`2026-07-28 request: ${error.message}`),
      },
    );
    this.served = { sdk, handler };
    await this.selfCheck();
  }

  /**
   * Lists the tools and prompts once, as a 2026-07-28 client would: the v2 SDK turns every
   * schema into JSON Schema then, and refuses some that the 2025 path takes (a `z.date()`,
   * say). Better to fail bootstrap, saying what to fix, than every modern request.
   */
  private async selfCheck(): Promise<void> {
    const methods = [
      this.registry.getTools().length > 0 && 'tools/list',
      this.registry.getPrompts().length > 0 && 'prompts/list',
      this.registry.getResourceTemplates().length > 0 && 'resources/templates/list',
    ].filter((method): method is string => method !== false);
    for (const method of methods) {
      const answer = await this.served!.handler.fetch(
        new Request('http://localhost/', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': SELF_CHECK_VERSION,
            'mcp-method': method,
          },
        }),
        { parsedBody: { jsonrpc: '2.0', id: 0, method, params: { _meta: SELF_CHECK_META } } },
      );
      const body = (await answer.json().catch(() => undefined)) as
        { error?: { message?: string } } | undefined;
      if (answer.status === 200 && body && !body.error) continue;
      throw new Error(
        `McpModule: 2026-07-28 clients could not use ${method}: ` +
          `${body?.error?.message ?? `HTTP ${answer.status}`}. Change the schema it names, ` +
          `or set protocol: 'legacy' to serve 2025 clients only`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.served?.handler.close();
  }

  /** Tells the 2026-07-28 clients listening here (`subscriptions/listen`) about a change. */
  notify(change: ServerChange): void {
    const notify = this.served?.handler.notify;
    if (!notify) return;
    if ('resourceUpdated' in change) return notify.resourceUpdated(change.resourceUpdated);
    if (change.list === 'tools') notify.toolsChanged();
    else if (change.list === 'prompts') notify.promptsChanged();
    else notify.resourcesChanged();
  }

  /** Whether this POST is the modern era's to answer (everything but 2025 traffic). */
  claims(req: Request, body: unknown): boolean {
    if (!this.served) return false;
    const outcome = this.served.sdk.classifyInboundRequest({
      httpMethod: req.method,
      protocolVersionHeader: headerOf(req, 'mcp-protocol-version'),
      mcpMethodHeader: headerOf(req, 'mcp-method'),
      mcpNameHeader: headerOf(req, 'mcp-name'),
      body,
    });
    // A body that is no JSON-RPC at all claims no era: the 2025 path answers it, as before.
    if (outcome.kind === 'reject') return outcome.rung !== 'jsonrpc-shape';
    return outcome.kind === 'modern';
  }

  /** Answers a request {@link claims} gave to the modern era. */
  async serve(req: Request, res: Response, body: unknown): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || BODY_HEADERS.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const abort = new AbortController();
    const gone = () => abort.abort();
    res.once('close', gone);
    const url = `http://${req.headers.host ?? 'localhost'}${req.originalUrl}`;
    const request = new Request(url, { method: req.method, headers, signal: abort.signal });
    this.requests.set(request, req);
    try {
      const response = await this.served!.handler.fetch(request, { parsedBody: body });
      await writeWebResponse(response, res);
    } finally {
      res.off('close', gone);
    }
  }
}
