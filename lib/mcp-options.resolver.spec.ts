import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { principalFromUser, resolveMcpOptions } from './mcp-options.resolver.js';

describe('resolveMcpOptions', () => {
  it('applies defaults', () => {
    const options = resolveMcpOptions({ name: 'n', version: '1' });
    expect(options).toMatchObject({
      sessionTtlMs: 30 * 60 * 1000,
      enableJsonResponse: false,
      maxLiveSessions: 10_000,
      shutdownGraceMs: 10_000,
    });
    expect(typeof options.principal).toBe('function');
  });

  it('accepts a shutdown grace of 0 (requests in flight get the shutdown error at once)', () => {
    expect(resolveMcpOptions({ name: 'n', version: '1', shutdownGraceMs: 0 })).toMatchObject({
      shutdownGraceMs: 0,
    });
  });

  it('accepts the longest delay a Node timer holds', () => {
    expect(
      resolveMcpOptions({ name: 'n', version: '1', storeTimeoutMs: 2 ** 31 - 1 }),
    ).toMatchObject({ storeTimeoutMs: 2 ** 31 - 1 });
  });

  it.each([
    [{ name: '', version: '1' }, /option "name"/],
    [{ name: 'n', version: '1', sessionTtlMs: -5 }, /option "sessionTtlMs"/],
    [
      { name: 'n', version: '1', sessionStore: { load: () => undefined } },
      /option "sessionStore" must be a SessionStore/,
    ],
    [{ name: 'n', version: '1', ttlRefreshFraction: 2 }, /option "ttlRefreshFraction"/],
    [{ name: 'n', version: '1', sesionTtlMs: 5 }, /sesionTtlMs/],
    // Node turns a longer timer delay into 1 ms: every store call would time out.
    [
      { name: 'n', version: '1', storeTimeoutMs: 2 ** 31 },
      /option "storeTimeoutMs" must be at most/,
    ],
    [{ name: 'n', version: '1', idleTimeoutMs: 2 ** 31 }, /option "idleTimeoutMs" must be at most/],
    [
      { name: 'n', version: '1', revalidateIntervalMs: 2 ** 31 },
      /option "revalidateIntervalMs" must be at most/,
    ],
    [
      { name: 'n', version: '1', shutdownGraceMs: 2 ** 31 },
      /option "shutdownGraceMs" must be at most/,
    ],
    [{ name: 'n', version: '1', shutdownGraceMs: -1 }, /option "shutdownGraceMs"/],
    [{ name: 'n', version: '1', shutdownGraceMs: 1.5 }, /option "shutdownGraceMs"/],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => resolveMcpOptions(options as never)).toThrow(message);
  });

  it('rejects missing options', () => {
    expect(() => resolveMcpOptions(undefined)).toThrow(/options are required/);
  });
});

describe('principalFromUser', () => {
  it.each([
    [undefined, undefined],
    ['alice', 'alice'],
    [{ id: 42 }, '42'],
    [{ sub: 'auth0|x' }, 'auth0|x'],
    [{ username: 'bob' }, 'bob'],
    [{ name: 'no id' }, undefined],
  ])('maps req.user %j to %j', (user, expected) => {
    expect(principalFromUser({ user } as unknown as Request)).toBe(expected);
  });
});
