import * as Flags from '@oclif/core/flags';
import { BaseCommand } from '../cli/base.js';
import { fromFlag, upstreamFlag } from '../cli/flags.js';
import { renderDiff } from '../diff/render.js';
import { type DiffResult, diffRelease } from '../diff/service.js';
import { githubEnv } from '../github/env.js';
import { createSourceDeps } from '../sources/deps.js';

export default class Diff extends BaseCommand<typeof Diff> {
  static summary = 'Fetch the upstream into the cache and write the diff artifacts for a release.';
  static examples = [
    '<%= config.bin %> diff --upstream codex',
    '<%= config.bin %> diff --to rust-v0.139.0 --from rust-v0.138.0',
  ];
  static flags = {
    upstream: upstreamFlag,
    from: fromFlag,
    to: Flags.string({
      summary: 'Compare to this tag (default: the newest pending release).',
      description:
        'Also accepted as --tag. Default --from: the last reviewed tag, or the release before --to.',
      aliases: ['tag'],
    }),
  };

  async run(): Promise<DiffResult> {
    const config = await this.projectConfig();
    const env = githubEnv();
    const onNote = (message: string) => this.note(message);
    const result = await diffRelease(
      config,
      { upstream: this.flags.upstream, from: this.flags.from, to: this.flags.to },
      createSourceDeps({ env, cacheDir: config.cache, onNote }),
    );
    for (const warning of result.warnings) this.logToStderr(`warning: ${warning}`);
    if (!this.jsonEnabled()) this.log(renderDiff(result));
    return result;
  }
}
