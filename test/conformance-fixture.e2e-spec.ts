import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AddressInfo } from 'node:net';
import { ConformanceModule } from '../sample/conformance/conformance.module.js';

/**
 * The conformance suite passes some scenarios even against a missing tool (a call to an
 * unknown tool is an `isError` result too): check that the fixture really has them.
 */
describe('conformance fixture app', () => {
  let app: INestApplication;
  let client: Client;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConformanceModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    client = new Client({ name: 'fixture-check', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://localhost:${port}/mcp`)),
    );
  });
  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('lists every tool, resource and prompt the suite calls', async () => {
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(
      [
        'json_schema_2020_12_tool',
        'test_audio_content',
        'test_elicitation',
        'test_elicitation_sep1034_defaults',
        'test_elicitation_sep1330_enums',
        'test_embedded_resource',
        'test_error_handling',
        'test_image_content',
        'test_multiple_content_types',
        'test_reconnection',
        'test_sampling',
        'test_simple_text',
        'test_tool_with_logging',
        'test_tool_with_progress',
        // 2026-07-28 scenarios
        'test_input_required_result_capabilities',
        'test_input_required_result_elicitation',
        'test_input_required_result_list_roots',
        'test_input_required_result_multi_round',
        'test_input_required_result_multiple_inputs',
        'test_input_required_result_request_state',
        'test_input_required_result_sampling',
        'test_input_required_result_tampered_state',
        'test_logging_tool',
        'test_missing_capability',
        'test_streaming_elicitation',
        'test_trigger_prompt_change',
        'test_trigger_tool_change',
      ].sort(),
    );
    const resources = (await client.listResources()).resources.map((r) => r.uri).sort();
    expect(resources).toEqual([
      'test://static-binary',
      'test://static-text',
      'test://watched-resource',
    ]);
    const templates = (await client.listResourceTemplates()).resourceTemplates;
    expect(templates.map((t) => t.uriTemplate)).toEqual(['test://template/{id}/data']);
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
    expect(prompts).toEqual([
      'test_input_required_result_prompt',
      'test_prompt_with_arguments',
      'test_prompt_with_embedded_resource',
      'test_prompt_with_image',
      'test_simple_prompt',
    ]);
  });

  it('answers test_simple_text with its text, not an error', async () => {
    const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
    });
  });

  it('answers test_error_handling with its own error message', async () => {
    const result = await client.callTool({ name: 'test_error_handling', arguments: {} });
    expect(result).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
    });
  });

  it('lists json_schema_2020_12_tool with its JSON Schema 2020-12 keywords', async () => {
    const tool = (await client.listTools()).tools.find(
      (t) => t.name === 'json_schema_2020_12_tool',
    );
    expect(tool?.inputSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { address: { type: 'object' } },
      additionalProperties: false,
    });
  });
});
