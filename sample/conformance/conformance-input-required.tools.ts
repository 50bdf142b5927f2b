import { Injectable } from '@nestjs/common';
import { inputRequired, type InputRequests } from '@modelcontextprotocol/server';
import { Tool, type McpRequestContext } from '../../lib/index.js';
import {
  acceptedField,
  askClient,
  clientCapabilities,
  rootUris,
  sampledText,
  type Answer,
} from './client-input.js';
import { openState, sealState } from './request-state.js';

const askName = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    },
  });

const askModel = (text: string, maxTokens: number) =>
  inputRequired.createMessage({
    messages: [{ role: 'user', content: { type: 'text', text } }],
    maxTokens,
  });

const greet = (answer: Answer | undefined) => {
  const name = acceptedField(answer, 'name');
  return name === undefined
    ? `No name given (${answer?.kind === 'elicit' ? answer.action : 'no answer'})`
    : `Hello, ${name}!`;
};

/**
 * Tools of the conformance suite that need the client's input (multi-round-trip, SEP-2322).
 * A 2026-07-28 client gets an input-required result and retries with its answers; a 2025
 * client is asked on its session while the tool runs.
 */
@Injectable()
export class ConformanceInputRequiredTools {
  @Tool({
    name: 'test_input_required_result_elicitation',
    description: "Asks the user's name (elicitation input request), then greets them",
  })
  async elicitation(_args: unknown, ctx: McpRequestContext) {
    const asked = await askClient(ctx, { user_name: askName('What is your name?') });
    return asked.pending ?? greet(asked.answers.user_name);
  }

  @Tool({
    name: 'test_input_required_result_sampling',
    description: "Asks the client's model a question (sampling input request)",
  })
  async sampling(_args: unknown, ctx: McpRequestContext) {
    const asked = await askClient(ctx, {
      capital_question: askModel('What is the capital of France?', 100),
    });
    return asked.pending ?? `LLM response: ${sampledText(asked.answers.capital_question)}`;
  }

  @Tool({
    name: 'test_input_required_result_list_roots',
    description: "Asks for the client's roots (roots/list input request)",
  })
  async listRoots(_args: unknown, ctx: McpRequestContext) {
    const asked = await askClient(ctx, { client_roots: inputRequired.listRoots() });
    if (asked.pending) return asked.pending;
    const uris = rootUris(asked.answers.client_roots);
    return `Client roots (${uris.length}): ${uris.join(', ')}`;
  }

  @Tool({
    name: 'test_input_required_result_multiple_inputs',
    description: "Asks for the user's name, a sampled greeting and the client's roots in one round",
  })
  async multipleInputs(_args: unknown, ctx: McpRequestContext) {
    const tool = 'test_input_required_result_multiple_inputs';
    const state = await openState(ctx, tool);
    const asked = await askClient(
      ctx,
      {
        user_name: askName('What is your name?'),
        greeting: askModel('Generate a greeting', 50),
        client_roots: inputRequired.listRoots(),
      },
      { requestState: await sealState(tool), ignoreAnswers: state === undefined },
    );
    if (asked.pending) return asked.pending;
    const { user_name, greeting, client_roots } = asked.answers;
    return [
      greet(user_name),
      `Greeting: ${sampledText(greeting)}`,
      `Roots: ${rootUris(client_roots).join(', ')}`,
    ].join('\n');
  }

  @Tool({
    name: 'test_input_required_result_capabilities',
    description:
      'Asks only for the input the client declared it can give: elicitation, sampling, roots',
  })
  async capabilities(_args: unknown, ctx: McpRequestContext) {
    const declared = clientCapabilities(ctx);
    const requests: InputRequests = {};
    if (declared.elicitation) requests.user_name = askName('What is your name?');
    if (declared.sampling) requests.greeting = askModel('Generate a greeting', 50);
    if (declared.roots) requests.client_roots = inputRequired.listRoots();
    if (Object.keys(requests).length === 0) {
      return 'The client declared none of elicitation, sampling and roots: nothing to ask';
    }
    const asked = await askClient(ctx, requests);
    if (asked.pending) return asked.pending;
    const { user_name, greeting, client_roots } = asked.answers;
    return [
      `Asked for: ${Object.keys(requests).join(', ')}`,
      ...(user_name ? [greet(user_name)] : []),
      ...(greeting ? [`Greeting: ${sampledText(greeting)}`] : []),
      ...(client_roots ? [`Roots: ${rootUris(client_roots).join(', ')}`] : []),
    ].join('\n');
  }
}
