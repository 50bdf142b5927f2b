import type { Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';

/**
 * The controllers of one instance of a module (each `McpModule.forRoot()` has its own
 * endpoint), to bind middleware to that endpoint only.
 */
export function controllersOf(moduleInstance: object, modules: ModulesContainer): Type[] {
  for (const module of modules.values()) {
    if (module.instance === moduleInstance) {
      return [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type);
    }
  }
  return [];
}
