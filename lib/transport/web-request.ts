import type { IncomingHttpHeaders } from 'node:http';

type HeaderSource = IncomingHttpHeaders | Readonly<Record<string, string>>;

/**
 * A read-only `Headers` over Node's already-parsed, lower-cased header object, so that
 * nothing is copied or re-validated unless the transport asks for it.
 */
class NodeHeaders implements Iterable<[string, string]> {
  constructor(private readonly source: HeaderSource) {}

  get(name: string): string | null {
    const value = this.source[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.source[name.toLowerCase()] !== undefined;
  }

  /** In name order, like `Headers`. */
  entries(): IterableIterator<[string, string]> {
    const entries: Array<[string, string]> = [];
    for (const name of Object.keys(this.source).sort()) {
      const value = this.get(name);
      if (value !== null) entries.push([name, value]);
    }
    return entries[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return Array.from(this.entries(), ([name]) => name)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return Array.from(this.entries(), ([, value]) => value)[Symbol.iterator]();
  }

  forEach(callback: (value: string, name: string, headers: this) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** What a light request is made of. `body` is the already-parsed body, if any. */
export interface WebRequestInit {
  method: string;
  url: string;
  headers: HeaderSource;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * The part of a Fetch `Request` that the SDK's Web-standard transport reads (method,
 * URL, headers, and the body when it is not handed `parsedBody`), without building an
 * undici `Request` and `Headers` for every HTTP request. Anything else a transport might
 * need is built on demand from a real `Request`.
 */
export class WebRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaders;
  readonly bodyUsed = false;
  private readonly body: unknown;
  private readonly abortSignal?: AbortSignal;

  constructor(init: WebRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.headers = new NodeHeaders(init.headers);
    this.body = init.body;
    this.abortSignal = init.signal;
  }

  get signal(): AbortSignal {
    return this.abortSignal ?? new AbortController().signal;
  }

  async text(): Promise<string> {
    return this.body === undefined ? '' : JSON.stringify(this.body);
  }

  async json(): Promise<unknown> {
    return this.body;
  }

  /** A real `Request` with the same method, URL, headers and body. */
  clone(): Request {
    const hasBody = this.body !== undefined && this.method !== 'GET' && this.method !== 'HEAD';
    return new Request(this.url, {
      method: this.method,
      headers: [...this.headers.entries()],
      body: hasBody ? JSON.stringify(this.body) : undefined,
    });
  }

  /** Typed as the `Request` the transport's signature names; see the class comment. */
  asRequest(): Request {
    return this as unknown as Request;
  }
}
