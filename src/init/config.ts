import { UPSTREAM_ID } from '../config/schema.js';
import { Errors } from '../errors.js';

/** What `init` asks for, before it becomes a config file. */
export interface InitUpstream {
  id: string;
  repo: string;
  tags: string;
  /** Named globs of the upstream that the project uses (proposed from the files and packages it names). */
  surfaces?: Record<string, string[]>;
}

export interface InitAnswers {
  upstreams: InitUpstream[];
  /** Omitted: issues go to GITHUB_REPOSITORY at run time. */
  downstream?: string;
  model: string;
}

export const DEFAULT_TAGS = 'v[0-9]*';

/**
 * `[ID=]OWNER/NAME[:TAG-PATTERN]`, e.g. `codex=openai/codex:rust-v*`. The ID defaults to the repository
 * name, the pattern to `v[0-9]*`. Git refs and repository names never contain ":", so the first one
 * ends the repository (a RegExp pattern after it may contain more).
 */
export function parseUpstreamSpec(spec: string): InitUpstream {
  const text = spec.trim();
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  const tags = colon === -1 ? DEFAULT_TAGS : text.slice(colon + 1).trim();
  const equals = head.indexOf('=');
  const repo = (equals === -1 ? head : head.slice(equals + 1)).trim();
  const [, name] = repo.split('/');
  if (!name) throw Errors.initUpstreamInvalid(spec, 'expected OWNER/NAME, like openai/codex');
  if (!tags) throw Errors.initUpstreamInvalid(spec, 'the tag pattern after ":" is empty');
  const id =
    equals === -1
      ? name
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, '-')
          .replace(/^[^a-z0-9]+/, '')
      : head.slice(0, equals).trim();
  if (!UPSTREAM_ID.test(id)) {
    throw Errors.initUpstreamInvalid(spec, `"${id}" is not a valid ID (letters, digits, ".", "_" and "-")`);
  }
  return { id, repo, tags };
}

/** The raw config object `init` writes; validated with the real schema before anything is written. */
export function configObject(answers: InitAnswers) {
  return {
    downstream: {
      ...(answers.downstream ? { repo: answers.downstream } : {}),
      labels: ['release-watch'],
      minSeverity: 'medium' as const,
    },
    agent: { kind: 'opencode' as const, model: answers.model },
    upstreams: Object.fromEntries(
      answers.upstreams.map((u) => [
        u.id,
        { repo: u.repo, tags: u.tags, ...(u.surfaces ? { surfaces: u.surfaces } : {}) },
      ]),
    ),
  };
}

const quote = (text: string) =>
  `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name));

/**
 * release-watch.config.ts for the answers. With release-watch as a dependency it imports defineConfig
 * for types; without one (a repository that is not a Node project) the import could not resolve.
 */
export function renderConfig(answers: InitAnswers, options: { typed: boolean }): string {
  const lines: string[] = [];
  if (options.typed) lines.push("import { defineConfig } from 'release-watch';", '');
  lines.push(
    '// What release-watch watches and how it judges each release. Reference: the release-watch README.',
    options.typed ? 'export default defineConfig({' : 'export default {',
  );
  const repo = answers.downstream ? `repo: ${quote(answers.downstream)}, ` : '';
  lines.push(
    answers.downstream
      ? "  // Where issues are filed, with which labels, from which severity on ('low' … 'breaking')."
      : "  // Issues go to the repository the workflow runs in; labels, and from which severity on ('low' … 'breaking').",
    `  downstream: { ${repo}labels: ['release-watch'], minSeverity: 'medium' },`,
  );
  lines.push(
    '  // The OpenCode agent that judges each release; its key goes in a repository secret.',
    `  agent: { kind: 'opencode', model: ${quote(answers.model)} },`,
    '  upstreams: {',
  );
  for (const upstream of answers.upstreams) {
    lines.push(
      `    ${key(upstream.id)}: {`,
      `      repo: ${quote(upstream.repo)},`,
      `      tags: ${quote(upstream.tags)},`,
    );
    if (upstream.surfaces) {
      lines.push(
        '      // The parts of the upstream this repository uses (found in its source): they are read first.',
        '      surfaces: {',
        ...Object.entries(upstream.surfaces).map(
          ([name, globs]) => `        ${key(name)}: [${globs.map(quote).join(', ')}],`,
        ),
        '      },',
      );
    } else {
      lines.push(
        '      // Name the parts of the upstream this repository depends on, so they are read first, e.g.',
        "      // surfaces: { auth: ['src/auth/**'], api: ['src/client.ts'] },",
      );
    }
    lines.push("      // focus: 'What in this upstream matters to us, in words.',", '    },');
  }
  lines.push('  },', options.typed ? '});' : '};', '');
  return lines.join('\n');
}
