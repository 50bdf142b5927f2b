import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';

/**
 * Builds the class given as a module option (e.g. `sessionStore: RedisSessionStore`) with
 * Nest's dependency injection; if Nest cannot, fails with what to fix.
 */
export async function createOptionInstance<T>(
  moduleRef: ModuleRef,
  option: string,
  type: Type<T>,
): Promise<T> {
  try {
    return await moduleRef.create(type);
  } catch (error) {
    throw new Error(
      `McpModule: option "${option}" could not be instantiated (${type.name}): ` +
        `${error instanceof Error ? error.message : String(error)}. Make its dependencies available ` +
        'to McpModule (a global module, or `imports` of forRootAsync), or pass an instance.',
      { cause: error },
    );
  }
}
