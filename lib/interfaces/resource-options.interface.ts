import type { Annotations } from '@modelcontextprotocol/sdk/types.js';

/** Options of the `@Resource()` decorator: a resource at one fixed URI. */
export interface ResourceOptions {
  /** The resource's URI, unique across the application (`config://app`, `file:///readme.md`). */
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
