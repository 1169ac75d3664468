import * as Flags from '@oclif/core/flags';
import { renderAnchors } from '../analysis/anchors/render.js';
import { listAnchors } from '../analysis/anchors/service.js';
import type { UpstreamAnchors } from '../analysis/anchors/types.js';
import { BaseCommand } from '../cli/base.js';
import { upstreamFlag } from '../cli/flags.js';
import { githubEnv } from '../github/env.js';
import { createSourceDeps } from '../sources/deps.js';

export default class Anchors extends BaseCommand<typeof Anchors> {
  static summary = "List what the downstream's own code uses of each upstream (mined anchors).";
  static description =
    `Mines the downstream checkout's tracked files (downstream.path) for what they name of an upstream: file paths it fetches (also in raw/blob URLs), URLs, headers, env vars, model ids and option values, imported modules and symbols, implemented hooks. An anchor is kept for an upstream when it occurs in the upstream's tree at --from; rarer ones weigh more. Curate with upstreams.<id>.anchors.include / exclude.`;
  static examples = [
    '<%= config.bin %> anchors',
    '<%= config.bin %> anchors --upstream codex --from rust-v0.139.0',
    '<%= config.bin %> anchors --upstream opencode --json',
  ];
  static flags = {
    upstream: upstreamFlag,
    from: Flags.string({
      summary:
        "Read the upstream's tree at this tag (default: the last reviewed tag, else the newest release).",
      aliases: ['tag'],
    }),
  };

  async run(): Promise<UpstreamAnchors[]> {
    const config = await this.projectConfig();
    const deps = createSourceDeps({ env: githubEnv(), cacheDir: config.cache, onNote: (m) => this.note(m) });
    const result = await listAnchors(config, { upstream: this.flags.upstream, from: this.flags.from }, deps);
    if (!this.jsonEnabled()) this.log(renderAnchors(result));
    return result;
  }
}
