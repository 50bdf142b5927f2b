/**
 * V8 keeps a string built by concatenation (`+`, template literals) as a tree of its
 * pieces: one from `crypto.randomUUID()` holds about 490 bytes instead of 67. Strings
 * kept for a long time (map keys, stored entries) are worth making flat.
 */

/** A flat copy of a string. */
export const flatCopy = (value: string): string => JSON.parse(JSON.stringify(value)) as string;
