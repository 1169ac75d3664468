import { renderAnalyze } from '../analysis/render.js';
import { analyzeRelease } from '../analysis/service.js';
import { BaseCommand } from '../cli/base.js';
import { agentFlag, fromFlag, modelFlag, tagFlag, upstreamFlag } from '../cli/flags.js';
import { githubEnv } from '../github/env.js';
import { createAnalyzeDeps } from '../run/deps.js';
import { createSourceDeps } from '../sources/deps.js';

export default class Analyze extends BaseCommand<typeof Analyze> {
  static summary = 'Run the scanners and the agent on a release diff and write analysis.json.';
  static description =
    "Runs `diff` first when the release has no diff artifacts yet. The scanners read the diff and the downstream checkout; then the OpenCode agent (the opencode program, from the opencode-ai package, and a provider with a model: agent.model or --model) judges the release with context.md. Every finding's evidence is checked against the upstream and downstream files. --agent none runs the scanners alone (no OpenCode, no provider).";
  static examples = [
    '<%= config.bin %> analyze --tag rust-v0.139.0',
    '<%= config.bin %> analyze --upstream opencode --agent none --json',
  ];
  static flags = { upstream: upstreamFlag, tag: tagFlag, from: fromFlag, agent: agentFlag, model: modelFlag };

  async run() {
    const { upstream, tag, from, agent, model } = this.flags;
    const config = await this.projectConfig();
    const progress = this.progress();
    const sources = createSourceDeps({
      env: githubEnv(),
      cacheDir: config.cache,
      onNote: (m) => progress.note(m),
    });
    const result = await progress.step(`analyze (${agent ?? config.agent.kind})`, () =>
      analyzeRelease(
        config,
        { upstream, tag, from, agent: agent as 'opencode' | 'none' | undefined, model },
        createAnalyzeDeps(sources),
      ),
    );
    this.log(renderAnalyze(result));
    return result;
  }
}
