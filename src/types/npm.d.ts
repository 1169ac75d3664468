// The parts of npm's own config loader and registry client that release-watch uses (neither ships types).

declare module '@npmcli/config' {
  interface ConfigOptions {
    definitions: unknown;
    shorthands: unknown;
    flatten: unknown;
    npmPath: string;
    env?: Record<string, string | undefined>;
    argv?: string[];
    cwd?: string;
    execPath?: string;
    platform?: string;
    warn?: boolean;
  }
  export default class Config {
    constructor(options: ConfigOptions);
    load(): Promise<void>;
    get flat(): Record<string, unknown>;
  }
}

declare module '@npmcli/config/lib/definitions/index.js' {
  const npmDefinitions: { definitions: unknown; shorthands: unknown; flatten: unknown };
  export default npmDefinitions;
}

declare module 'npm-registry-fetch' {
  interface FetchOptions extends Record<string, unknown> {
    spec?: string;
    headers?: Record<string, string>;
    preferOnline?: boolean;
  }
  interface RegistryFetch {
    json(uri: string, options?: FetchOptions): Promise<unknown>;
    pickRegistry(spec: string, options?: Record<string, unknown>): string;
  }
  const registryFetch: RegistryFetch;
  export default registryFetch;
}
