import type { AnySchema, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

/** Options of the `@Tool()` decorator. */
export interface ToolOptions {
  /** Tool name; defaults to the method name. Must be unique across the application. */
  name?: string;
  title?: string;
  description: string;
  /**
   * The arguments, as a zod object shape (`{ city: z.string() }`) or a zod object schema
   * (`z.strictObject({...}).meta({...})`, to control the JSON Schema that is listed);
   * `{}` for none. Any other schema (a union, a transform, a JSON Schema) fails bootstrap:
   * the SDK would list it as an empty object.
   */
  inputSchema?: ZodRawShapeCompat | AnySchema;
  /**
   * The shape of `structuredContent`, when the tool returns structured results: a zod
   * object shape or a zod object schema.
   */
  outputSchema?: ZodRawShapeCompat | AnySchema;
  annotations?: ToolAnnotations;
}
