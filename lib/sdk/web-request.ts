import type { IncomingHttpHeaders } from 'node:http';

type HeaderSource = IncomingHttpHeaders | Readonly<Record<string, string>>;

/**
 * Header values that replace the request's own, by lower-case name; `undefined` hides a
 * header the request carries.
 */
export type HeaderOverrides = Readonly<Record<string, string | undefined>>;

/**
 * A read-only `Headers` over Node's already-parsed, lower-cased header object, so that
 * nothing is copied or re-validated unless the transport asks for it.
 */
class NodeHeaders {
  constructor(
    private readonly source: HeaderSource,
    private readonly overrides?: HeaderOverrides,
  ) {}

  get(name: string): string | null {
    const key = name.toLowerCase();
    const value = this.overrides && key in this.overrides ? this.overrides[key] : this.source[key];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  /** In name order, like `Headers`. */
  entries(): IterableIterator<[string, string]> {
    const names = this.overrides
      ? [...new Set([...Object.keys(this.source), ...Object.keys(this.overrides)])]
      : Object.keys(this.source);
    const entries: Array<[string, string]> = [];
    for (const name of names.sort()) {
      const value = this.get(name);
      if (value !== null) entries.push([name, value]);
    }
    return entries[Symbol.iterator]();
  }
}

/** What a light request is made of. */
export interface WebRequestInit {
  method: string;
  url: string;
  headers: HeaderSource;
  /** Seen by the transport instead of the request's own values; the request is untouched. */
  overrides?: HeaderOverrides;
}

/**
 * The part of a Fetch `Request` that the SDK's Web-standard transport reads (method, URL
 * and headers), without building an undici `Request` and `Headers` for every HTTP
 * request. It has no body stream: the transport is always handed the parsed body
 * (`parsedBody`), and without one it reads this `null` body as empty.
 */
export class WebRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaders;
  readonly body = null;

  constructor(init: WebRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.headers = new NodeHeaders(init.headers, init.overrides);
  }

  /** Typed as the `Request` the transport's signature names; see the class comment. */
  asRequest(): Request {
    return this as unknown as Request;
  }
}
