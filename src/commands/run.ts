import { BaseCommand } from '../cli/base.js';
import { agentFlag, dryRunFlag, modelFlag, upstreamsFlag } from '../cli/flags.js';
import { createRunDeps } from '../run/deps.js';
import { renderRun, runAll } from '../run/service.js';
import { renderTable } from '../util/table.js';

export default class Run extends BaseCommand<typeof Run> {
  static summary = 'Check every upstream and, for each new release, diff, analyze and report.';
  static description =
    'Upstreams are isolated: one failing is reported and the others still run; the exit code is 1 if any failed. ' +
    'The state of an upstream advances only when its report succeeded (never with --dry-run).';
  static examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run --upstream codex --dry-run --agent none',
    '<%= config.bin %> run --json',
  ];
  static flags = { upstream: upstreamsFlag, 'dry-run': dryRunFlag, agent: agentFlag, model: modelFlag };

  async run() {
    const config = await this.projectConfig();
    const result = await runAll(
      config,
      {
        upstreams: this.flags.upstream,
        dryRun: this.flags['dry-run'],
        agent: this.flags.agent as 'opencode' | 'none' | undefined,
        model: this.flags.model,
      },
      createRunDeps(config, { json: this.jsonEnabled() }),
    );
    this.log(renderTable(renderRun(result)));
    for (const failed of result.upstreams.filter((r) => r.error)) {
      this.logToStderr(`${failed.id}: [${failed.error!.code}] ${failed.error!.message}`);
      if (failed.error!.suggestion) this.logToStderr(`  → ${failed.error!.suggestion}`);
    }
    if (result.failed > 0) process.exitCode = 1;
    return result;
  }
}
