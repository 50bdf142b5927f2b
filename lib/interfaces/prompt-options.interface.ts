import type { ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';

/** Options of the `@Prompt()` decorator. */
export interface PromptOptions {
  /** Prompt name; defaults to the method name. Must be unique across the application. */
  name?: string;
  title?: string;
  description?: string;
  /**
   * The arguments, as a zod object shape of strings (`{ topic: z.string() }`). Wrap a field
   * in the SDK's `completable()` to answer `completion/complete` for it.
   */
  argsSchema?: ZodRawShapeCompat;
}
