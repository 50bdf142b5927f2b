import { describe, expect, it } from '@jest/globals';
import { StringPool } from './string-pool.js';

describe('StringPool', () => {
  it('gives each distinct string one index, until its characters are used up', () => {
    const pool = new StringPool(10);
    expect(pool.indexOf('abcd')).toBe(0);
    expect(pool.indexOf('efgh')).toBe(1);
    expect(pool.indexOf('abcd')).toBe(0);
    expect(pool.indexOf('ijk')).toBeUndefined();
    expect(pool.indexOf('ij')).toBe(2);
    expect([pool.at(0), pool.at(1), pool.at(2), pool.at(3)]).toEqual([
      'abcd',
      'efgh',
      'ij',
      undefined,
    ]);
  });
});
