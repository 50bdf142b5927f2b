import { Injectable } from '@nestjs/common';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { inputRequired, type InputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { Prompt, type McpRequestContext } from '../../lib/index.js';
import { acceptedField, askClient } from './client-input.js';
import { TEST_IMAGE_BASE64 } from './fixtures.js';

const SUGGESTIONS = ['paris', 'park', 'party', 'test', 'testing'];

/** Prompts of the conformance suite. */
@Injectable()
export class ConformancePrompts {
  @Prompt({
    name: 'test_simple_prompt',
    title: 'Simple Test Prompt',
    description: 'A simple prompt without arguments',
  })
  simple(): string {
    return 'This is a simple prompt for testing.';
  }

  @Prompt({
    name: 'test_prompt_with_arguments',
    title: 'Prompt With Arguments',
    description: 'A prompt with required arguments',
    argsSchema: {
      arg1: completable(z.string().describe('First test argument'), (typed) =>
        SUGGESTIONS.filter((s) => s.startsWith(typed)),
      ),
      arg2: z.string().describe('Second test argument'),
    },
  })
  withArguments({ arg1, arg2 }: { arg1: string; arg2: string }): string {
    return `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`;
  }

  @Prompt({
    name: 'test_prompt_with_embedded_resource',
    title: 'Prompt With Embedded Resource',
    description: 'A prompt that includes an embedded resource',
    argsSchema: { resourceUri: z.string().describe('URI of the resource to embed') },
  })
  withEmbeddedResource({ resourceUri }: { resourceUri: string }): GetPromptResult {
    return {
      messages: [
        {
          role: 'user',
          content: {
            type: 'resource',
            resource: {
              uri: resourceUri,
              mimeType: 'text/plain',
              text: 'Embedded resource content for testing.',
            },
          },
        },
        {
          role: 'user',
          content: { type: 'text', text: 'Please process the embedded resource above.' },
        },
      ],
    };
  }

  @Prompt({
    name: 'test_prompt_with_image',
    title: 'Prompt With Image',
    description: 'A prompt that includes image content',
  })
  withImage(): GetPromptResult {
    return {
      messages: [
        {
          role: 'user',
          content: { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' },
        },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ],
    };
  }

  @Prompt({
    name: 'test_input_required_result_prompt',
    title: 'Prompt Requiring Input',
    description: 'A prompt that asks the user for its context first (elicitation input request)',
  })
  async requiringInput(
    _args: unknown,
    ctx: McpRequestContext,
  ): Promise<GetPromptResult | InputRequiredResult> {
    const asked = await askClient(ctx, {
      user_context: inputRequired.elicit({
        message: 'What context should the prompt use?',
        requestedSchema: {
          type: 'object',
          properties: { context: { type: 'string' } },
          required: ['context'],
        },
      }),
    });
    if (asked.pending) return asked.pending;
    const context = acceptedField(asked.answers.user_context, 'context') ?? 'no context given';
    return {
      messages: [
        { role: 'user', content: { type: 'text', text: `Answer with this context: ${context}` } },
      ],
    };
  }
}
