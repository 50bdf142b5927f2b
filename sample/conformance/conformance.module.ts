import { Module } from '@nestjs/common';
import { McpModule } from '../../lib/index.js';
import { ConformanceContentTools } from './conformance-content.tools.js';
import { ConformanceInteractionTools } from './conformance-interaction.tools.js';
import { ConformancePrompts } from './conformance.prompts.js';
import { ConformanceResources } from './conformance.resources.js';

/**
 * The surface the official MCP conformance suite (`@modelcontextprotocol/conformance`)
 * expects of a server, built only with this module's decorators.
 */
@Module({
  imports: [McpModule.forRoot({ name: 'mcp-conformance-test-server', version: '1.0.0' })],
  providers: [
    ConformanceContentTools,
    ConformanceInteractionTools,
    ConformanceResources,
    ConformancePrompts,
  ],
})
export class ConformanceModule {}
