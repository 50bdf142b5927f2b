import {
  normalizeObjectSchema,
  type AnySchema,
  type ZodRawShapeCompat,
} from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { DiscoveredTool } from '../discovery/mcp.registry.js';

type ToolSchema = ZodRawShapeCompat | AnySchema | undefined;

/** `{}`: a shape with no field, which the SDK takes as "no arguments". */
const isEmptyShape = (schema: ToolSchema) =>
  typeof schema === 'object' &&
  Object.getPrototypeOf(schema) === Object.prototype &&
  Object.keys(schema).length === 0;

/**
 * A tool schema as a zod object, or a bootstrap error: the SDK lists any other schema as
 * an empty object, so the tool could never be called as listed.
 */
function objectSchema(tool: DiscoveredTool, option: 'inputSchema' | 'outputSchema'): ToolSchema {
  const schema = tool.options[option];
  if (schema === undefined || isEmptyShape(schema)) return schema;
  const object = normalizeObjectSchema(schema);
  if (object) return object;
  throw new Error(
    `@Tool "${tool.options.name}" on ${tool.source}: ${option} must be a zod object ` +
      `(z.object({ city: z.string() })) or a shape of zod schemas ({ city: z.string() })`,
  );
}

/**
 * The tool with its schemas as zod objects, built once at bootstrap rather than by the
 * SDK for every session's server: zod compiles an object's parser on its first use, per
 * object.
 */
export function withObjectSchemas(tool: DiscoveredTool): DiscoveredTool {
  const options = {
    ...tool.options,
    inputSchema: objectSchema(tool, 'inputSchema'),
    outputSchema: objectSchema(tool, 'outputSchema'),
  };
  return { ...tool, options };
}
