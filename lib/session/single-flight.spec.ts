import { describe, expect, it } from '@jest/globals';
import { SingleFlight } from './single-flight.js';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('SingleFlight', () => {
  it('lets callers join the run in progress for their key, and forgets it once settled', async () => {
    const flights = new SingleFlight<string, number>();
    const gate = deferred<number>();
    const run = flights.run('a', () => gate.promise);
    expect(flights.get('a')).toBe(run);
    expect(flights.get('b')).toBeUndefined();
    gate.resolve(7);
    await expect(flights.get('a')).resolves.toBe(7);
    expect(flights.get('a')).toBeUndefined();
  });

  it('forgets a run that fails', async () => {
    const flights = new SingleFlight<string, number>();
    await expect(flights.run('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(flights.get('a')).toBeUndefined();
  });

  it('keeps a later run for the same key when an earlier one settles after it started', async () => {
    const flights = new SingleFlight<string, number>();
    const first = deferred<number>();
    const second = deferred<number>();
    const earlier = flights.run('a', () => first.promise);
    const later = flights.run('a', () => second.promise);
    first.resolve(1);
    await earlier;
    expect(flights.get('a')).toBe(later);
    second.resolve(2);
    await later;
    expect(flights.get('a')).toBeUndefined();
  });
});
