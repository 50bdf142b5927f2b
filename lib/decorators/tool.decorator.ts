import { SetMetadata } from '@nestjs/common';
import { MCP_TOOL_METADATA } from '../mcp.constants.js';
import type { ToolOptions } from '../interfaces/tool-options.interface.js';

/**
 * Marks a provider method as an MCP tool. The method receives the validated arguments
 * and an {@link McpRequestContext}; it may return a string (sent as text), a
 * `CallToolResult`, or, with an `outputSchema`, the structured result itself.
 * Throwing makes the call an `isError` result.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class WeatherTools {
 *   constructor(private readonly weather: WeatherService) {}
 *
 *   @Tool({ description: 'Current temperature', inputSchema: { city: z.string() } })
 *   async temperature({ city }: { city: string }) {
 *     return `${await this.weather.celsius(city)} °C`;
 *   }
 * }
 * ```
 */
export const Tool = (options: ToolOptions): MethodDecorator =>
  SetMetadata(MCP_TOOL_METADATA, options);
