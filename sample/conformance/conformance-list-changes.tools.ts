import { Injectable } from '@nestjs/common';
import { McpListChanges, Tool } from '../../lib/index.js';

/**
 * The conformance suite's hooks that change the server's lists, to see clients told: the
 * lists themselves stay as they are, the notification is what the suite checks.
 */
@Injectable()
export class ConformanceListChangesTools {
  constructor(private readonly lists: McpListChanges) {}

  @Tool({ name: 'test_trigger_tool_change', description: 'Tells clients the tool list changed' })
  async toolChange(): Promise<string> {
    await this.lists.toolsChanged();
    return 'tools/list_changed sent';
  }

  @Tool({
    name: 'test_trigger_prompt_change',
    description: 'Tells clients the prompt list changed',
  })
  async promptChange(): Promise<string> {
    await this.lists.promptsChanged();
    return 'prompts/list_changed sent';
  }
}
