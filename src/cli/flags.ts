import * as Flags from '@oclif/core/flags';

/** Flags shared by several commands, defined once. */
/** `--upstream`, which may be left out when the command's tag flag names one upstream's tag. */
export const upstreamFlagFor = (tagFlag: '--tag' | '--to') =>
  Flags.string({
    char: 'u',
    summary: 'Upstream ID from the config.',
    description: `May be left out when ${tagFlag} matches exactly one upstream's tag pattern.`,
  });
export const upstreamFlag = upstreamFlagFor('--tag');
export const upstreamsFlag = Flags.string({
  char: 'u',
  summary: 'Only these upstreams (repeatable).',
  multiple: true,
});
export const tagFlag = Flags.string({
  char: 't',
  summary: 'Release tag to act on (default: the newest pending release).',
});
export const fromFlag = Flags.string({ summary: 'Compare from this tag (default: the last reviewed tag).' });
export const agentFlag = Flags.string({
  summary: 'Agent to run: opencode, or none for scanners only.',
  options: ['opencode', 'none'],
});
export const modelFlag = Flags.string({
  char: 'm',
  summary: 'Model for the agent, as provider/model (overrides agent.model).',
});
export const dryRunFlag = Flags.boolean({
  summary: 'Do everything except writing to GitHub and the state file; show what would happen.',
});
export const includeUnverifiedFlag = Flags.boolean({
  summary: 'Also file findings whose evidence could not be verified in the upstream.',
});
