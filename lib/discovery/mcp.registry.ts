import { Injectable } from '@nestjs/common';
import type { PromptOptions } from '../interfaces/prompt-options.interface.js';
import type { ResourceOptions } from '../interfaces/resource-options.interface.js';
import type { ResourceTemplateOptions } from '../interfaces/resource-template-options.interface.js';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';
import type { ToolOptions } from '../interfaces/tool-options.interface.js';
import { canonicalUri } from '../utils/canonical-uri.util.js';

/** A decorated method bound to its provider instance. */
export interface DiscoveredMethod<Options = undefined> {
  /** `ClassName.method`, for messages. */
  source: string;
  options: Options;
  call(...args: unknown[]): unknown;
}

export type DiscoveredTool = DiscoveredMethod<ToolOptions & { name: string }>;
export type DiscoveredResource = DiscoveredMethod<ResourceOptions & { name: string }>;
export type DiscoveredResourceTemplate = DiscoveredMethod<
  ResourceTemplateOptions & { name: string }
>;
export type DiscoveredPrompt = DiscoveredMethod<PromptOptions & { name: string }>;
export type DiscoveredRestoreHook = DiscoveredMethod & {
  call(marker: SessionRestoreMarker): unknown;
};

/** Adds `entry` under `key`, or fails bootstrap naming both methods that claim the key. */
function addUnique<T extends DiscoveredMethod<unknown>>(
  map: Map<string, T>,
  key: string,
  entry: T,
  what: string,
  fix: string,
): void {
  const existing = map.get(key);
  if (existing) {
    throw new Error(
      `Duplicate MCP ${what} "${key}" on ${entry.source} and ${existing.source}: ${fix}`,
    );
  }
  map.set(key, entry);
}

/** The resource at its canonical URI (the SDK reads resources by it), or a bootstrap error. */
function atCanonicalUri(resource: DiscoveredResource): DiscoveredResource {
  const { uri } = resource.options;
  const canonical = canonicalUri(uri);
  if (canonical === undefined) {
    throw new Error(
      `@Resource on ${resource.source}: uri "${uri}" is not an absolute URI (e.g. config://app)`,
    );
  }
  return { ...resource, options: { ...resource.options, uri: canonical } };
}

/** Everything the explorer found at bootstrap; read when a session's server is built. */
@Injectable()
export class McpRegistry {
  private readonly tools = new Map<string, DiscoveredTool>();
  private readonly resources = new Map<string, DiscoveredResource>();
  private readonly resourceTemplates = new Map<string, DiscoveredResourceTemplate>();
  private readonly templateUris = new Map<string, DiscoveredResourceTemplate>();
  private readonly prompts = new Map<string, DiscoveredPrompt>();
  private readonly restoreHooks: DiscoveredRestoreHook[] = [];

  addTool(tool: DiscoveredTool): void {
    addUnique(
      this.tools,
      tool.options.name,
      tool,
      'tool name',
      'give one of them another name with @Tool({ name })',
    );
  }

  addResource(resource: DiscoveredResource): void {
    const canonical = atCanonicalUri(resource);
    addUnique(
      this.resources,
      canonical.options.uri,
      canonical,
      'resource URI',
      'each @Resource() needs its own uri',
    );
  }

  addResourceTemplate(template: DiscoveredResourceTemplate): void {
    const { name, uriTemplate } = template.options;
    addUnique(
      this.templateUris,
      uriTemplate,
      template,
      'resource template',
      'each @ResourceTemplate() needs its own uriTemplate',
    );
    addUnique(
      this.resourceTemplates,
      name,
      template,
      'resource template name',
      'give one of them another name with @ResourceTemplate({ name })',
    );
  }

  addPrompt(prompt: DiscoveredPrompt): void {
    addUnique(
      this.prompts,
      prompt.options.name,
      prompt,
      'prompt name',
      'give one of them another name with @Prompt({ name })',
    );
  }

  addRestoreHook(hook: DiscoveredRestoreHook): void {
    this.restoreHooks.push(hook);
  }

  getTools(): readonly DiscoveredTool[] {
    return [...this.tools.values()];
  }

  getResources(): readonly DiscoveredResource[] {
    return [...this.resources.values()];
  }

  getResourceTemplates(): readonly DiscoveredResourceTemplate[] {
    return [...this.resourceTemplates.values()];
  }

  getPrompts(): readonly DiscoveredPrompt[] {
    return [...this.prompts.values()];
  }

  getRestoreHooks(): readonly DiscoveredRestoreHook[] {
    return this.restoreHooks;
  }
}
