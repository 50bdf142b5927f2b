import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Prompt, Resource, Tool } from '../lib/index.js';
import { appWithClientForSuite } from './fixtures/test-app.js';

/** Handlers that return or throw what real code does, not what the SDK expects. */
@Injectable()
class UnusualHandlers {
  @Tool({
    description: 'The paragraphs of a document',
    inputSchema: { id: z.string() },
    outputSchema: { title: z.string(), content: z.array(z.string()) },
  })
  paragraphs({ id }: { id: string }) {
    return { title: `doc ${id}`, content: ['first paragraph', 'second paragraph'] };
  }

  @Tool({ description: 'Rejects as some HTTP clients do' })
  quota() {
    throw { message: 'quota exceeded', status: 429 };
  }

  @Resource({ uri: 'res://nothing' })
  nothing() {
    // What `return Promise.reject()` amounts to.
    throw undefined;
  }

  @Prompt({ description: 'Throws a string' })
  brittle() {
    throw 'template missing';
  }
}

const textOf = (result: unknown) =>
  (result as { content: Array<{ text: string }> }).content[0].text;

describe('what handlers return and throw, as the client sees it', () => {
  const suite = appWithClientForSuite([UnusualHandlers]);

  it('returns structured data whose own field is called content as structuredContent', async () => {
    const result = await suite.client.callTool({ name: 'paragraphs', arguments: { id: '7' } });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({
      title: 'doc 7',
      content: ['first paragraph', 'second paragraph'],
    });
  });

  it("gives a tool's thrown object's message in its isError result", async () => {
    const result = await suite.client.callTool({ name: 'quota', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('quota exceeded');
  });

  it('answers a resource that throws undefined with a JSON-RPC error, at once', async () => {
    const error = await suite.client.readResource({ uri: 'res://nothing' }, { timeout: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: ErrorCode.InternalError });
    expect(String(error)).toMatch(/Handler failed: it threw undefined/);
  });

  it('answers a prompt that throws a string with that string', async () => {
    const error = await suite.client.getPrompt({ name: 'brittle' }, { timeout: 3000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: ErrorCode.InternalError });
    expect(String(error)).toMatch(/template missing/);
  });
});
