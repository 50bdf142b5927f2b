import { describe, expect, it } from '@jest/globals';
import { McpRegistry } from './mcp.registry.js';

const call = () => undefined;

describe('McpRegistry', () => {
  it('refuses a second tool, resource, template or prompt under one key, naming both methods', () => {
    const registry = new McpRegistry();
    registry.addTool({ source: 'A.t', options: { name: 't', description: 'd' }, call });
    expect(() =>
      registry.addTool({ source: 'B.t', options: { name: 't', description: 'd' }, call }),
    ).toThrow('Duplicate MCP tool name "t" on B.t and A.t');

    registry.addResource({ source: 'A.r', options: { name: 'r', uri: 'x://r' }, call });
    expect(() =>
      registry.addResource({ source: 'B.r2', options: { name: 'r2', uri: 'x://r' }, call }),
    ).toThrow('Duplicate MCP resource URI "x://r" on B.r2 and A.r');

    registry.addResourceTemplate({
      source: 'A.tpl',
      options: { name: 'tpl', uriTemplate: 'x://{id}' },
      call,
    });
    expect(() =>
      registry.addResourceTemplate({
        source: 'B.other',
        options: { name: 'other', uriTemplate: 'x://{id}' },
        call,
      }),
    ).toThrow('Duplicate MCP resource template "x://{id}" on B.other and A.tpl');
    expect(() =>
      registry.addResourceTemplate({
        source: 'C.tpl',
        options: { name: 'tpl', uriTemplate: 'y://{id}' },
        call,
      }),
    ).toThrow('Duplicate MCP resource template name "tpl" on C.tpl and A.tpl');

    registry.addPrompt({ source: 'A.p', options: { name: 'p' }, call });
    expect(() => registry.addPrompt({ source: 'B.p', options: { name: 'p' }, call })).toThrow(
      'Duplicate MCP prompt name "p" on B.p and A.p',
    );

    expect(registry.getTools()).toHaveLength(1);
    expect(registry.getResources()).toHaveLength(1);
    expect(registry.getResourceTemplates()).toHaveLength(1);
    expect(registry.getPrompts()).toHaveLength(1);
  });

  it('keeps resources at their canonical URI, the one the SDK reads them by', () => {
    const registry = new McpRegistry();
    registry.addResource({
      source: 'A.home',
      options: { name: 'home', uri: 'https://x.dev' },
      call,
    });
    registry.addResource({
      source: 'A.inbox',
      options: { name: 'inbox', uri: 'Notes://Inbox' },
      call,
    });
    expect(registry.getResources().map((r) => r.options.uri)).toEqual([
      'https://x.dev/',
      'notes://Inbox',
    ]);
    expect(() =>
      registry.addResource({
        source: 'B.home',
        options: { name: 'h', uri: 'HTTPS://x.dev/' },
        call,
      }),
    ).toThrow('Duplicate MCP resource URI "https://x.dev/" on B.home and A.home');
    expect(() =>
      registry.addResource({ source: 'A.rel', options: { name: 'rel', uri: 'readme.md' }, call }),
    ).toThrow('@Resource on A.rel: uri "readme.md" is not an absolute URI');
  });
});
