import { BaseCommand } from '../cli/base.js';
import { agentFlag, fromFlag, modelFlag, tagFlag, upstreamFlag } from '../cli/flags.js';
import { Errors } from '../errors.js';

export default class Analyze extends BaseCommand<typeof Analyze> {
  static summary = 'Run the scanners and the agent on a release diff and write analysis.json.';
  static examples = [
    '<%= config.bin %> analyze --tag rust-v0.139.0',
    '<%= config.bin %> analyze --upstream opencode --agent none --json',
  ];
  static flags = { upstream: upstreamFlag, tag: tagFlag, from: fromFlag, agent: agentFlag, model: modelFlag };

  async run(): Promise<unknown> {
    throw Errors.notImplemented('analyze', 'issue 5');
  }
}
