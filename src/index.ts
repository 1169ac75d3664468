/** The library API of release-watch: config, schemas, types and the stage functions. */

export {
  createOpenCodeRunner,
  type OpenCodeRunnerOptions,
  openCodeRunner,
} from './analysis/agent/opencode.js';
export type { AgentRunInput, AgentRunner, AgentRunResult } from './analysis/agent/types.js';
export {
  type AgentOutput,
  type Analysis,
  agentOutputSchema,
  analysisSchema,
  type Evidence,
  evidenceSchema,
  type Finding,
  findingSchema,
  jsonSchemas,
} from './analysis/schema.js';
export { ARTIFACT_FILES, artifactPaths } from './artifacts/paths.js';
export {
  type ChangedFile,
  changedFileSchema,
  type FilesArtifact,
  filesArtifactSchema,
  type ReleaseArtifact,
  releaseArtifactSchema,
} from './artifacts/schema.js';
export { loadConfig, parseConfig, type ResolvedConfig } from './config/load.js';
export {
  type Config,
  type ConfigInput,
  configSchema,
  defineConfig,
  SEVERITIES,
  type Severity,
  type UpstreamConfig,
} from './config/schema.js';
export { selectUpstream } from './config/upstreams.js';
export { Errors, ExitCode, ReleaseWatchError } from './errors.js';
export { compileTagPattern, type TagPattern } from './sources/tags.js';
export { type Release, releaseSchema } from './sources/types.js';
export { resetState, setState, showState } from './state/service.js';
export { readState, type State, stateSchema, type UpstreamState, writeState } from './state/store.js';
