import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool, type McpRequestContext } from '../../lib/index.js';
import { sleep } from './fixtures.js';

const describeElicitation = (result: { action: string; content?: unknown }) =>
  `action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;

/** Tools of the conformance suite that talk back to the client while they run. */
@Injectable()
export class ConformanceInteractionTools {
  @Tool({
    name: 'test_tool_with_logging',
    description: 'Tests tool that emits log messages during execution',
  })
  async logging(_args: unknown, ctx: McpRequestContext): Promise<string> {
    await ctx.log('info', 'Tool execution started');
    await sleep(50);
    await ctx.log('info', 'Tool processing data');
    await sleep(50);
    await ctx.log('info', 'Tool execution completed');
    return 'Tool with logging executed successfully';
  }

  @Tool({
    name: 'test_tool_with_progress',
    description: 'Tests tool that reports progress notifications',
  })
  async progress(_args: unknown, ctx: McpRequestContext): Promise<string> {
    for (const step of [0, 50, 100]) {
      if (step > 0) await sleep(50);
      await ctx.reportProgress(step, 100, `Completed step ${step} of 100`);
    }
    return 'Progress reported';
  }

  @Tool({
    name: 'test_reconnection',
    description:
      'Tests SSE stream disconnection and client reconnection (SEP-1699): closes the stream mid-call and sends the result after the client reconnects',
  })
  async reconnection(_args: unknown, ctx: McpRequestContext): Promise<string> {
    ctx.closeSSEStream();
    await sleep(100);
    return 'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.';
  }

  @Tool({
    name: 'test_sampling',
    description: 'Tests server-initiated sampling (LLM completion request)',
    inputSchema: { prompt: z.string().describe('The prompt to send to the LLM') },
  })
  async sampling({ prompt }: { prompt: string }, ctx: McpRequestContext): Promise<string> {
    const result = await ctx.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
      maxTokens: 100,
    });
    const text = result.content.type === 'text' ? result.content.text : result.content.type;
    return `LLM response: ${text}`;
  }

  @Tool({
    name: 'test_elicitation',
    description: 'Tests server-initiated elicitation (user input request)',
    inputSchema: { message: z.string().describe('The message to show the user') },
  })
  async elicitation({ message }: { message: string }, ctx: McpRequestContext): Promise<string> {
    const result = await ctx.elicitInput({
      message,
      requestedSchema: {
        type: 'object',
        properties: {
          username: { type: 'string', description: "User's response" },
          email: { type: 'string', description: "User's email address" },
        },
        required: ['username', 'email'],
      },
    });
    return `User response: ${describeElicitation(result)}`;
  }

  @Tool({
    name: 'test_elicitation_sep1034_defaults',
    description: 'Tests elicitation with default values per SEP-1034',
  })
  async elicitationDefaults(_args: unknown, ctx: McpRequestContext): Promise<string> {
    const result = await ctx.elicitInput({
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: {
            type: 'string',
            description: 'User status',
            enum: ['active', 'inactive', 'pending'],
            default: 'active',
          },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      },
    });
    return `Elicitation completed: ${describeElicitation(result)}`;
  }

  @Tool({
    name: 'test_elicitation_sep1330_enums',
    description: 'Tests elicitation with enum schema improvements per SEP-1330',
  })
  async elicitationEnums(_args: unknown, ctx: McpRequestContext): Promise<string> {
    const options = (prefix: string, titles: string[]) =>
      titles.map((title, i) => ({ const: `${prefix}${i + 1}`, title }));
    const result = await ctx.elicitInput({
      message: 'Please select options from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: {
          untitledSingle: {
            type: 'string',
            description: 'Select one option',
            enum: ['option1', 'option2', 'option3'],
          },
          titledSingle: {
            type: 'string',
            description: 'Select one option with titles',
            oneOf: options('value', ['First Option', 'Second Option', 'Third Option']),
          },
          legacyEnum: {
            type: 'string',
            description: 'Select one option (legacy)',
            enum: ['opt1', 'opt2', 'opt3'],
            enumNames: ['Option One', 'Option Two', 'Option Three'],
          },
          untitledMulti: {
            type: 'array',
            description: 'Select multiple options',
            minItems: 1,
            maxItems: 3,
            items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          },
          titledMulti: {
            type: 'array',
            description: 'Select multiple options with titles',
            minItems: 1,
            maxItems: 3,
            items: {
              anyOf: options('value', ['First Choice', 'Second Choice', 'Third Choice']),
            },
          },
        },
        required: [],
      },
    });
    return `Elicitation completed: ${describeElicitation(result)}`;
  }
}
