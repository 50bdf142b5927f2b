import { Injectable } from '@nestjs/common';
import { inputRequired } from '@modelcontextprotocol/server';
import { Tool, type McpRequestContext } from '../../lib/index.js';
import { acceptedField, askClient, isStateless } from './client-input.js';
import { openState, sealState } from './request-state.js';

const REQUEST_STATE = 'test_input_required_result_request_state';
const MULTI_ROUND = 'test_input_required_result_multi_round';
const TAMPERED_STATE = 'test_input_required_result_tampered_state';

const askField = (message: string, field: string, type: 'string' | 'boolean') =>
  inputRequired.elicit({
    message,
    requestedSchema: {
      type: 'object',
      properties: { [field]: type === 'string' ? { type: 'string' } : { type: 'boolean' } },
      required: [field],
    },
  });

const confirm = (message: string) => ({ confirm: askField(message, 'ok', 'boolean') });

/**
 * Tools of the conformance suite whose rounds carry a `requestState` (SEP-2322): signed by
 * the server, verified when the client echoes it, and refused when it fails the check.
 * Answers that come without the state the asking round carried start the flow over. A
 * 2025 session needs no request state: its client is asked while the tool runs.
 */
@Injectable()
export class ConformanceRequestStateTools {
  @Tool({
    name: REQUEST_STATE,
    description: 'Asks for a confirmation, carrying a signed requestState it verifies on retry',
  })
  async requestState(_args: unknown, ctx: McpRequestContext) {
    const state = await openState(ctx, REQUEST_STATE);
    const asked = await askClient(ctx, confirm('Please confirm'), {
      requestState: await sealState(REQUEST_STATE),
      ignoreAnswers: state === undefined,
    });
    if (asked.pending) return asked.pending;
    const ok = acceptedField(asked.answers.confirm, 'ok');
    return isStateless(ctx)
      ? `state-ok: requestState verified, ok=${ok}`
      : `Confirmed on the session, ok=${ok} (a 2025 session carries no requestState)`;
  }

  @Tool({
    name: MULTI_ROUND,
    description:
      'Asks a name, then a favorite color, over rounds whose requestState carries the answers so far',
  })
  async multiRound(_args: unknown, ctx: McpRequestContext) {
    const state = await openState<{ name?: string }>(ctx, MULTI_ROUND);
    let name = state?.name;
    if (name === undefined) {
      const first = await askClient(
        ctx,
        { step1: askField('Step 1: What is your name?', 'name', 'string') },
        { requestState: await sealState(MULTI_ROUND), ignoreAnswers: state === undefined },
      );
      if (first.pending) return first.pending;
      name = acceptedField(first.answers.step1, 'name') ?? '(declined)';
    }
    const second = await askClient(
      ctx,
      { step2: askField('Step 2: What is your favorite color?', 'color', 'string') },
      // A new round on 2026-07-28 (this one answered step 1), or the next question to a 2025 client.
      {
        requestState: await sealState(MULTI_ROUND, { name }),
        ignoreAnswers: state?.name === undefined,
      },
    );
    if (second.pending) return second.pending;
    const color = acceptedField(second.answers.step2, 'color') ?? '(declined)';
    return `${name}'s favorite color is ${color}`;
  }

  @Tool({
    name: TAMPERED_STATE,
    description:
      'Asks for a confirmation with an HMAC-signed requestState, and refuses a retry whose state fails verification',
  })
  async tamperedState(_args: unknown, ctx: McpRequestContext) {
    const state = await openState(ctx, TAMPERED_STATE);
    const asked = await askClient(ctx, confirm('Please confirm (integrity-protected state)'), {
      requestState: await sealState(TAMPERED_STATE),
      ignoreAnswers: state === undefined,
    });
    if (asked.pending) return asked.pending;
    const ok = acceptedField(asked.answers.confirm, 'ok');
    return isStateless(ctx)
      ? `Confirmed, ok=${ok}: requestState verified intact`
      : `Confirmed on the session, ok=${ok} (a 2025 session carries no requestState)`;
  }
}
