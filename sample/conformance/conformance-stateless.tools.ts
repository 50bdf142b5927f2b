import { Injectable } from '@nestjs/common';
import { inputRequired } from '@modelcontextprotocol/server';
import { Tool, type McpRequestContext } from '../../lib/index.js';
import { askClient, describeAnswer, sampledText } from './client-input.js';
import { sleep } from './fixtures.js';

/**
 * Diagnostic tools of the conformance suite's stateless-server scenario (SEP-2575): a
 * tool that needs a client capability, one that streams while it waits for input, and
 * one that logs.
 */
@Injectable()
export class ConformanceStatelessTools {
  @Tool({
    name: 'test_missing_capability',
    description:
      "Needs the client's sampling capability: a request that does not declare it is refused with MissingRequiredClientCapabilityError (-32021)",
  })
  async missingCapability(_args: unknown, ctx: McpRequestContext) {
    // The SDK refuses to send an input request the request's capabilities do not cover
    // (-32021, HTTP 400); a 2025 session refuses `createMessage` the same way.
    const asked = await askClient(ctx, {
      answer: inputRequired.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }],
        maxTokens: 20,
      }),
    });
    return asked.pending ?? `LLM response: ${sampledText(asked.answers.answer)}`;
  }

  @Tool({
    name: 'test_streaming_elicitation',
    description:
      'Reports progress, then asks the user for input: as an input-required result on 2026-07-28, never as a request on the response stream',
  })
  async streamingElicitation(_args: unknown, ctx: McpRequestContext) {
    await ctx.reportProgress(0, 1, 'Waiting for the user');
    const asked = await askClient(ctx, {
      user_input: inputRequired.elicit({
        message: 'Please provide a value',
        requestedSchema: {
          type: 'object',
          properties: { value: { type: 'string' } },
          required: ['value'],
        },
      }),
    });
    if (asked.pending) return asked.pending;
    await ctx.reportProgress(1, 1, 'Done');
    return `User response: ${describeAnswer(asked.answers.user_input, 'value')}`;
  }

  @Tool({
    name: 'test_logging_tool',
    description:
      'Emits log messages while it runs; a 2026-07-28 request gets them only at the _meta log level it set',
  })
  async logging(_args: unknown, ctx: McpRequestContext): Promise<string> {
    await ctx.log('info', 'Logging tool started');
    await sleep(20);
    await ctx.log('warning', 'Logging tool warning');
    await sleep(20);
    await ctx.log('info', 'Logging tool completed');
    return 'Logging tool executed';
  }
}
