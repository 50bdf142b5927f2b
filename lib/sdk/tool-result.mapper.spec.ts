import { describe, expect, it } from '@jest/globals';
import { toCallToolResult } from './tool-result.mapper.js';

describe('toCallToolResult', () => {
  const finished = { content: [{ type: 'text' as const, text: 'done' }] };

  it('passes a finished result through, and makes text of a string', () => {
    expect(toCallToolResult(finished, false)).toBe(finished);
    expect(toCallToolResult('hi', false)).toEqual({ content: [{ type: 'text', text: 'hi' }] });
    expect(toCallToolResult(undefined, false)).toEqual({ content: [] });
  });

  it('with an output schema, takes data with a content field of its own as data', () => {
    const data = { title: 'doc 7', content: ['first paragraph', 'second paragraph'] };
    expect(toCallToolResult(data, true)).toEqual({
      content: [{ type: 'text', text: JSON.stringify(data) }],
      structuredContent: data,
    });
    // Even when its items look like content blocks: only structuredContent or isError
    // make it a finished result.
    const blocks = { content: [{ type: 'heading', text: 'Intro' }] };
    expect(toCallToolResult(blocks, true)).toMatchObject({ structuredContent: blocks });
  });

  it('with an output schema, passes a result with structured content or an error through', () => {
    const structured = { ...finished, structuredContent: { n: 1 } };
    const failed = { ...finished, isError: true };
    expect(toCallToolResult(structured, true)).toBe(structured);
    expect(toCallToolResult(failed, true)).toBe(failed);
  });

  it('without an output schema, takes an object whose content is not content blocks as data', () => {
    const data = { content: ['a', 'b'] };
    expect(toCallToolResult(data, false)).toEqual({
      content: [{ type: 'text', text: JSON.stringify(data) }],
    });
  });
});
