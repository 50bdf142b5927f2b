import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { McpMetadataAccessor } from './mcp-metadata.accessor.js';
import { McpRegistry } from './mcp.registry.js';

/** Walks every provider at bootstrap and registers its MCP-decorated methods. */
@Injectable()
export class McpExplorer implements OnModuleInit {
  private readonly logger = new Logger('McpModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: McpMetadataAccessor,
    private readonly registry: McpRegistry,
  ) {}

  onModuleInit(): void {
    // One instance can sit behind several providers (`useExisting`, a shared `useValue`).
    const explored = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || explored.has(instance)) continue;
      explored.add(instance);
      this.explore(wrapper, instance);
    }
  }

  private explore(wrapper: InstanceWrapper, instance: Record<string, unknown>): void {
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const target = instance[method];
      if (typeof target !== 'function') continue;
      const found = this.read(target);
      if (!Object.values(found).some((value) => value)) continue;
      const source = `${instance.constructor.name}.${method}`;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`${source} is on a request-scoped provider and is ignored`);
        continue;
      }
      const call = (...args: unknown[]) =>
        (target as (...a: unknown[]) => unknown).apply(instance, args);
      const named = <T extends { name?: string }>(options: T) => ({
        ...options,
        name: options.name ?? method,
      });
      const { tool, resource, template, prompt, isHook } = found;
      if (tool) this.registry.addTool({ source, options: named(tool), call });
      if (resource) this.registry.addResource({ source, options: named(resource), call });
      if (template) this.registry.addResourceTemplate({ source, options: named(template), call });
      if (prompt) this.registry.addPrompt({ source, options: named(prompt), call });
      if (isHook) this.registry.addRestoreHook({ source, options: undefined, call });
    }
  }

  private read(target: object) {
    return {
      tool: this.accessor.getToolOptions(target),
      resource: this.accessor.getResourceOptions(target),
      template: this.accessor.getResourceTemplateOptions(target),
      prompt: this.accessor.getPromptOptions(target),
      isHook: this.accessor.isSessionRestoreHook(target),
    };
  }
}
