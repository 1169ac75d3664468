import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ResolvedConfig } from '../../config/load.js';
import { Errors } from '../../errors.js';
import { resolveOpenCodeBinary } from './binary.js';

/** What the agent needs to start, from the config (and --model). */
export function agentPreflightInput(
  config: Pick<ResolvedConfig, 'rootDir' | 'agent'>,
  model?: string,
): AgentPreflightInput {
  return {
    configDir: join(config.rootDir, '.opencode'),
    agentName: config.agent.name,
    model: model ?? config.agent.model,
  };
}

export interface AgentPreflightInput {
  /** The downstream's `.opencode` folder holding agent/<name>.md. */
  configDir: string;
  agentName: string;
  /** `--model`, else `agent.model` of the config. */
  model?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Whether the agent can start at all: the opencode program is found, the agent file is there and a
 * model is configured. Run before anything is fetched or diffed, so a run that cannot reach the
 * agent fails in a second instead of after the diff.
 */
export async function checkAgentReady(input: AgentPreflightInput): Promise<{ binary: string }> {
  const env = input.env ?? process.env;
  const binary = await resolveOpenCodeBinary(env.PATH ?? '');
  if (!binary) throw Errors.agentNotInstalled(describePath(env.PATH ?? ''));
  const found = await Promise.all(
    ['agent', 'agents'].map((folder) =>
      access(join(input.configDir, folder, `${input.agentName}.md`)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!found.includes(true)) throw Errors.agentDefinitionMissing(input.agentName, input.configDir);
  if (!input.model && !modelIn(env.OPENCODE_CONFIG_CONTENT)) throw Errors.agentModelMissing(input.agentName);
  return { binary };
}

/** A short PATH for messages: the folder count, not every folder. */
export function describePath(path: string): string {
  const folders = path.split(delimiter).filter(Boolean);
  return folders.length === 0 ? 'PATH is empty' : `${folders.length} folders on PATH searched`;
}

/** OPENCODE_CONFIG_CONTENT's `model`, the one other place a run's model may come from. */
function modelIn(content: string | undefined): boolean {
  if (!content) return false;
  try {
    const config = JSON.parse(content) as { model?: unknown };
    return typeof config?.model === 'string' && config.model.length > 0;
  } catch {
    return false;
  }
}
