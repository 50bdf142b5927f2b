import { describe, expect, it } from '@jest/globals';
import { SessionStreams } from './session-streams.js';

describe('SessionStreams', () => {
  it('keeps one stream per id, made on first use, for the session', () => {
    const streams = new SessionStreams('s');
    expect(streams.get('one')).toBeUndefined();
    const one = streams.getOrCreate('one');
    expect(one).toEqual({ sessionId: 's', streamId: 'one', events: [] });
    expect(streams.getOrCreate('one')).toBe(one);
    const two = streams.getOrCreate('two');
    const three = streams.getOrCreate('three');
    expect([streams.get('one'), streams.get('two'), streams.getOrCreate('three')]).toEqual([
      one,
      two,
      three,
    ]);
    expect(streams.size).toBe(3);
    expect([...streams.values()]).toEqual([one, two, three]);
  });

  it('says when removing a stream leaves none, with one stream or several', () => {
    const streams = new SessionStreams('s');
    const one = streams.getOrCreate('one');
    expect(streams.remove(one)).toBe(true);
    expect([streams.size, [...streams.values()]]).toEqual([0, []]);

    const again = streams.getOrCreate('one');
    const two = streams.getOrCreate('two');
    expect(streams.remove(again)).toBe(false);
    expect(streams.get('one')).toBeUndefined();
    expect([...streams.values()]).toEqual([two]);
    expect(streams.remove(two)).toBe(true);
    expect(streams.size).toBe(0);
  });

  it('leaves its stream alone when asked to remove one it does not hold', () => {
    const streams = new SessionStreams('s');
    const held = streams.getOrCreate('one');
    const stranger = new SessionStreams('other').getOrCreate('one');
    expect(streams.remove(stranger)).toBe(false);
    expect(streams.get('one')).toBe(held);
  });
});
