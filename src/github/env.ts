// Kept apart from client.ts so commands can read the environment without loading Octokit.

/** GitHub Actions conventions, read once from the environment. */
export interface GitHubEnv {
  token?: string;
  apiUrl: string;
  serverUrl: string;
  /** Default downstream repository (`owner/name`). */
  repository?: string;
  output?: string;
  stepSummary?: string;
}

export function githubEnv(env: NodeJS.ProcessEnv = process.env): GitHubEnv {
  const trim = (url: string) => url.replace(/\/+$/, '');
  return {
    token: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
    apiUrl: trim(env.GITHUB_API_URL || 'https://api.github.com'),
    serverUrl: trim(env.GITHUB_SERVER_URL || 'https://github.com'),
    repository: env.GITHUB_REPOSITORY || undefined,
    output: env.GITHUB_OUTPUT || undefined,
    stepSummary: env.GITHUB_STEP_SUMMARY || undefined,
  };
}
