/**
 * The layout, checked (npm test runs `depcruise`): each stage in its own folder, git/ as plumbing
 * only, the agent's stage without a GitHub client, and no import cycles, type-only ones included.
 */
const STAGES = '^src/(sources|diff|analysis|report|state)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Move the shared type to the module that owns it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'stage-not-to-cli',
      severity: 'error',
      comment: 'A stage is called by commands, never the other way round.',
      from: { path: STAGES },
      to: { path: '^src/(commands|cli)/' },
    },
    {
      name: 'analysis-not-to-report-or-github',
      severity: 'error',
      comment: 'The agent stage holds no GitHub client and knows nothing of issues.',
      from: { path: '^src/analysis/' },
      to: { path: '^src/(report|github)/' },
    },
    {
      name: 'git-is-plumbing',
      severity: 'error',
      comment: 'src/git/ takes plain values (URL, tags, paths, globs), never the config or a stage.',
      from: { path: '^src/git/' },
      to: {
        path: '^src/(sources|diff|analysis|report|state|artifacts|config|github|run|commands|cli|init|demo)/',
      },
    },
    {
      name: 'sources-not-to-report',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/report/' },
    },
    {
      name: 'config-not-to-stages',
      severity: 'error',
      comment: 'Config is read by every stage; it depends on none.',
      from: { path: '^src/config/' },
      to: { path: STAGES },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      // @types/mdast provides types only, under the name mdast.
      to: { couldNotResolve: true, pathNot: '^mdast$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    exclude: { path: '^src/types/' },
  },
};
