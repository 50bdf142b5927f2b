import type { Annotations } from '@modelcontextprotocol/sdk/types.js';

/** Options of the `@Resource()` decorator: a resource at one fixed URI. */
export interface ResourceOptions {
  /**
   * The resource's absolute URI, unique across the application (`config://app`,
   * `file:///readme.md`). It is listed in the form `new URL(uri).href` prints, which the
   * SDK reads resources by (`https://example.com` is listed as `https://example.com/`);
   * reads and `notifyUpdated` accept either spelling.
   */
  uri: string;
  /** Resource name shown to the client; defaults to the method name. */
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  annotations?: Annotations;
  /** Size in bytes, when known. */
  size?: number;
}
