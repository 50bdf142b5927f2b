import { describe, expect, it } from '@jest/globals';
import { Injectable, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { OnSessionRestore } from '../decorators/on-session-restore.decorator.js';
import { Tool } from '../decorators/tool.decorator.js';
import { McpModule } from '../mcp.module.js';
import { McpRegistry } from './mcp.registry.js';

@Injectable()
class Greeter {
  greet(name: string) {
    return `hello ${name}`;
  }
}

@Injectable()
class GreetingTools {
  constructor(private readonly greeter: Greeter) {}

  @Tool({ description: 'Greets', inputSchema: { name: z.string() } })
  greet({ name }: { name: string }) {
    return this.greeter.greet(name);
  }

  @Tool({ name: 'shout', description: 'Greets loudly' })
  loud() {
    return 'HELLO';
  }

  undecorated() {
    return 'not a tool';
  }

  @OnSessionRestore()
  first() {
    return 'first';
  }
}

@Injectable()
class OtherHooks {
  @OnSessionRestore()
  second() {
    return 'second';
  }
}

@Injectable()
class Clash {
  @Tool({ name: 'greet', description: 'Same name as GreetingTools.greet' })
  greet() {
    return 'clash';
  }
}

const compile = (providers: Provider[]) =>
  Test.createTestingModule({
    imports: [McpModule.forRoot({ name: 'explorer-test', version: '0.0.0' })],
    providers: [Greeter, ...providers],
  })
    .compile()
    .then((moduleRef) => moduleRef.init());

describe('McpExplorer and McpRegistry', () => {
  it('finds decorated methods on any provider and binds them to the injected instance', async () => {
    const app = await compile([GreetingTools, OtherHooks]);
    const registry = app.get(McpRegistry);
    const tools = registry.getTools();
    expect(tools.map((t) => t.options.name).sort()).toEqual(['greet', 'shout']);
    const greet = tools.find((t) => t.options.name === 'greet')!;
    expect(greet.source).toBe('GreetingTools.greet');
    expect(greet.call({ name: 'Ada' })).toBe('hello Ada');
    expect(
      registry
        .getRestoreHooks()
        .map((h) => h.source)
        .sort(),
    ).toEqual(['GreetingTools.first', 'OtherHooks.second']);
    await app.close();
  });

  it('explores an instance once, however many providers lead to it', async () => {
    const app = await compile([
      GreetingTools,
      { provide: 'GREETINGS', useExisting: GreetingTools },
    ]);
    const registry = app.get(McpRegistry);
    expect(registry.getTools().map((t) => t.source)).toEqual([
      'GreetingTools.greet',
      'GreetingTools.loud',
    ]);
    expect(registry.getRestoreHooks().map((h) => h.source)).toEqual(['GreetingTools.first']);
    await app.close();
  });

  it('fails at bootstrap on duplicate tool names, naming both methods', async () => {
    await expect(compile([GreetingTools, Clash])).rejects.toThrow(
      /Duplicate MCP tool name "greet" on (Clash\.greet and GreetingTools\.greet|GreetingTools\.greet and Clash\.greet)/,
    );
  });
});
