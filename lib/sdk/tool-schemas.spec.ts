import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { Tool } from '../decorators/tool.decorator.js';
import type { DiscoveredTool } from '../discovery/mcp.registry.js';
import { McpModule } from '../mcp.module.js';
import { withObjectSchemas } from './tool-schemas.js';

const call = () => undefined;
const tool = (source: string, options: DiscoveredTool['options']): DiscoveredTool => ({
  source,
  options,
  call,
});

describe('withObjectSchemas', () => {
  it('makes tool schemas zod objects, built once, which every session then shares', () => {
    const shape = withObjectSchemas(
      tool('A.shape', {
        name: 'shape',
        description: 'd',
        inputSchema: { city: z.string() },
        outputSchema: { temperature: z.number() },
      }),
    );
    const none = withObjectSchemas(
      tool('A.none', { name: 'none', description: 'd', inputSchema: {} }),
    );

    const input = shape.options.inputSchema as z.core.$ZodObject;
    expect(input).toBeInstanceOf(z.core.$ZodObject);
    expect(Object.keys(input._zod.def.shape)).toEqual(['city']);
    expect(z.safeParse(input, { city: 'Oslo' }).success).toBe(true);
    expect(z.safeParse(input, { city: 1 }).success).toBe(false);
    expect(shape.options.outputSchema).toBeInstanceOf(z.core.$ZodObject);
    // No arguments: the SDK's own spelling of that.
    expect(none.options.inputSchema).toEqual({});
  });

  it.each([
    [
      'a zod union',
      'inputSchema',
      z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
    ],
    ['a transformed object', 'inputSchema', z.object({ a: z.string() }).transform((v) => v.a)],
    ['a JSON Schema', 'inputSchema', { type: 'object', properties: { a: { type: 'string' } } }],
    ['a zod string', 'outputSchema', z.string()],
  ])('refuses %s as %s, naming the tool', (_, option, schema) => {
    expect(() =>
      withObjectSchemas(
        tool('A.lookup', { name: 'lookup', description: 'd', [option]: schema as never }),
      ),
    ).toThrow(`@Tool "lookup" on A.lookup: ${option} must be a zod object`);
  });

  it('fails the bootstrap of the app whose tool has such a schema', async () => {
    @Injectable()
    class Lookup {
      @Tool({ description: 'd', inputSchema: z.union([z.string(), z.number()]) as never })
      lookup() {
        return 'x';
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'unit', version: '1' })],
      providers: [Lookup],
    }).compile();
    moduleRef.useLogger(false);
    await expect(moduleRef.init()).rejects.toThrow(
      '@Tool "lookup" on Lookup.lookup: inputSchema must be a zod object',
    );
    await moduleRef.close();
  });
});
