import { describe, expect, it } from '@jest/globals';
import * as http from 'node:http';
import { runnableAsFunctions } from './mcp-express.adapter.js';

describe('runnableAsFunctions', () => {
  it("accepts Node's request and response constructors on this Node", () => {
    expect(runnableAsFunctions(http.IncomingMessage, http.ServerResponse)).toBe(true);
  });

  it('refuses as soon as one is a class, which could not run on an object made elsewhere', () => {
    function Plain(this: object): void {}
    class Modern {}
    expect(runnableAsFunctions(Plain, Modern)).toBe(false);
    expect(() => (Modern as unknown as (this: object) => void).call({})).toThrow(TypeError);
  });
});
