import { describe, expect, it } from '@jest/globals';
import { deferred } from '../../test/fixtures/deferred.js';
import { SingleFlight } from './single-flight.js';

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

  it('runs work after the runs in progress for its key, failed ones included, one at a time', async () => {
    const flights = new SingleFlight<string, number>();
    const first = deferred<number>();
    const order: string[] = [];
    const failing = flights.run('a', async () => {
      await first.promise;
      order.push('first');
      throw new Error('store down');
    });
    const secondGate = deferred<void>();
    const second = flights.runAfter('a', async () => {
      order.push('second');
      await secondGate.promise;
      order.push('second done');
      return 2;
    });
    const third = flights.runAfter('a', async () => {
      order.push('third');
      return 3;
    });
    first.resolve(1);
    await expect(failing).rejects.toThrow('store down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first', 'second']);
    secondGate.resolve();
    expect(await Promise.all([second, third])).toEqual([2, 3]);
    expect(order).toEqual(['first', 'second', 'second done', 'third']);
    expect(flights.get('a')).toBeUndefined();
  });
});
