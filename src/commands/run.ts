import { BaseCommand } from '../cli/base.js';
import { agentFlag, dryRunFlag, includeUnverifiedFlag, modelFlag, upstreamsFlag } from '../cli/flags.js';
import { createRunDeps } from '../run/deps.js';
import { renderRun, renderRunFailures, renderRunIssues, runAll } from '../run/service.js';
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
  static flags = {
    upstream: upstreamsFlag,
    'dry-run': dryRunFlag,
    'include-unverified': includeUnverifiedFlag,
    agent: agentFlag,
    model: modelFlag,
  };

  async run() {
    const config = await this.projectConfig();
    const result = await runAll(
      config,
      {
        upstreams: this.flags.upstream,
        dryRun: this.flags['dry-run'],
        includeUnverified: this.flags['include-unverified'],
        agent: this.flags.agent as 'opencode' | 'none' | undefined,
        model: this.flags.model,
      },
      createRunDeps(config, { json: this.jsonEnabled() }),
    );
    this.log(renderTable(renderRun(result)));
    for (const line of renderRunIssues(result)) this.log(line);
    for (const line of renderRunFailures(result)) this.logToStderr(line);
    if (result.failed > 0) process.exitCode = 1;
    return result;
  }
}
