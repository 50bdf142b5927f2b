import { describe, expect, it } from '@jest/globals';
import { LiveSessionCache } from './live-session.cache.js';
import type { McpSession } from './mcp-session.js';

const session = (id: string) => ({ id }) as McpSession;

describe('LiveSessionCache', () => {
  it('evicts the least recently used idle sessions beyond its size', () => {
    const evicted: string[] = [];
    const cache = new LiveSessionCache(2, (s) => evicted.push(s.id));
    const [a, b, c] = [session('a'), session('b'), session('c')];
    cache.add(a);
    cache.add(b);
    cache.touch(a);
    cache.add(c);
    expect(evicted).toEqual(['b']);
    expect([...cache.values()].map((s) => s.id)).toEqual(['a', 'c']);
  });

  it('never evicts a session in flight, nor the one being added', () => {
    const evicted: string[] = [];
    const cache = new LiveSessionCache(1, (s) => evicted.push(s.id));
    const busy = session('busy');
    cache.add(busy);
    cache.hold(busy);
    cache.add(session('new'));
    expect(evicted).toEqual([]);
    expect(cache.size).toBe(2);
    cache.add(session('newer'));
    expect(evicted).toEqual(['new']);
  });

  it('lists idle sessions older than a cutoff', () => {
    const cache = new LiveSessionCache(10, () => undefined);
    const old = cache.add(session('old'));
    const busy = session('busy');
    cache.add(busy).lastActivity = 0;
    cache.hold(busy);
    old.lastActivity = 100;
    expect(cache.idleSince(200).map((s) => s.id)).toEqual(['old']);
    expect(cache.idleSince(50)).toEqual([]);
  });

  it('keeps a held session past its size until released, once, then trims', () => {
    const evicted: string[] = [];
    const cache = new LiveSessionCache(1, (s) => evicted.push(s.id));
    const held = session('held');
    const live = cache.add(held);
    const release = cache.hold(held);
    const alsoRelease = cache.hold(held);
    cache.add(session('new'));
    expect(evicted).toEqual([]);
    release();
    release();
    expect(live.inFlight).toBe(1);
    expect(evicted).toEqual([]);
    alsoRelease();
    expect(live.inFlight).toBe(0);
    expect(evicted).toEqual(['held']);
  });

  it('holds only the session object it has: holding a replaced one changes nothing', () => {
    const cache = new LiveSessionCache(10, () => undefined);
    const first = session('s');
    cache.add(first);
    const replacement = cache.add(session('s'));
    cache.hold(first)();
    expect(replacement.inFlight).toBe(0);
  });
});
