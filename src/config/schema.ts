import picomatch from 'picomatch';
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../util/duration.js';
import { tagPatternProblem } from './tag-pattern.js';

export const SEVERITIES = ['none', 'low', 'medium', 'high', 'breaking'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
export const repoSchema = z
  .string({ error: 'expected a repository as "owner/name"' })
  .regex(REPO, { error: 'expected a repository as "owner/name", like "openai/codex"' });

const globSchema = z.string().check((ctx) => {
  try {
    picomatch.makeRe(ctx.value, { strictBrackets: true });
  } catch (error) {
    ctx.issues.push({
      code: 'custom',
      message: `invalid glob: ${(error as Error).message}`,
      input: ctx.value,
    });
  }
});

const tagPatternSchema = z.custom<string | RegExp>().check((ctx) => {
  const problem = ctx.value === undefined ? 'required' : tagPatternProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
});

const durationSchema = z
  .string({ error: 'expected a duration string like "90s" or "20m"' })
  .regex(DURATION_PATTERN, { error: 'expected a duration like "90s", "20m" or "1h"' })
  .transform((text) => parseDuration(text)!);

export const UPSTREAM_ID = /^[a-z0-9][a-z0-9._-]*$/i;

export const upstreamSchema = z
  .strictObject({
    repo: repoSchema,
    tags: tagPatternSchema,
    source: z.enum(['github-releases', 'git-tags', 'npm']).default('github-releases'),
    /** npm package whose versions are the releases (source: npm). */
    npm: z.string().min(1).optional(),
    /** Clone URL override; default `${GITHUB_SERVER_URL}/${repo}.git`. */
    url: z.string().min(1).optional(),
    prereleases: z.boolean().default(false),
    /** Named areas of the upstream the downstream depends on: name → globs. */
    surfaces: z
      .record(z.string().min(1), z.array(globSchema).min(1), {
        error: 'expected an object of name → globs, like { auth: ["src/auth/**"] }',
      })
      .default({}),
    ignore: z.array(globSchema).default([]),
    /** What the agent should look at first, in words. */
    focus: z.string().optional(),
    /** Curates mined anchors: `value` or `kind:value` (`header:originator`), matched exactly. */
    anchors: z
      .strictObject({
        /** Kept even when the upstream tree at `from` does not contain them. */
        include: z.array(z.string().min(1)).default([]),
        /** Never watched. */
        exclude: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
  })
  .check((ctx) => {
    if (ctx.value.source === 'npm' && !ctx.value.npm) {
      ctx.issues.push({
        code: 'custom',
        path: ['npm'],
        message: 'required when source is "npm" (the package whose versions are the releases)',
        input: ctx.value,
      });
    }
  });

export const configSchema = z.strictObject({
  downstream: z
    .strictObject({
      /** Where issues are filed; default: GITHUB_REPOSITORY. */
      repo: repoSchema.optional(),
      /** The downstream's checkout, mined for anchors; default: the config file's folder. */
      path: z.string().min(1).default('.'),
      labels: z.array(z.string().min(1)).default(['release-watch']),
      minSeverity: severitySchema.default('medium'),
      maxIssuesPerRun: z.number().int().positive().default(10),
      dashboard: z.boolean().default(false),
    })
    .prefault({}),
  state: z.string().min(1).default('.github/release-watch/state.json'),
  artifacts: z.string().min(1).default('.release-watch/artifacts'),
  /** Upstream git caches; default: `cache` beside the artifacts folder. */
  cache: z.string().min(1).optional(),
  agent: z
    .strictObject({
      kind: z.enum(['opencode', 'none']).default('opencode'),
      name: z.string().min(1).default('release-impact'),
      model: z.string().min(1).optional(),
      variant: z.string().min(1).optional(),
      /** Milliseconds after parsing; written as "20m". */
      timeout: durationSchema.default(20 * 60_000),
    })
    .prefault({}),
  context: z
    .strictObject({
      /** Size budget of context.md in characters (~4 per token). */
      maxChars: z.number().int().min(10_000).default(400_000),
    })
    .prefault({}),
  upstreams: z
    .record(
      z.string().regex(UPSTREAM_ID, { error: 'upstream IDs are letters, digits, ".", "_" and "-"' }),
      upstreamSchema,
    )
    .refine((upstreams) => Object.keys(upstreams).length > 0, { error: 'at least one upstream is required' }),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type UpstreamConfig = z.output<typeof upstreamSchema>;

/** Typed identity: gives editors the schema's types in release-watch.config.ts. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

/** The keys the config schema knows at a path (for "did you mean" on an unknown key). */
export function configKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = configSchema;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let current = s;
    for (let def = current?._zod.def as SchemaDef | undefined; def; def = current?._zod.def as SchemaDef) {
      const inner: z.ZodType | undefined = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
      if (!inner) break;
      current = inner;
    }
    return current;
  };
  for (const key of path) {
    const def = unwrap(schema)?._zod.def as SchemaDef | undefined;
    schema =
      def?.type === 'object' ? def.shape?.[String(key)] : def?.type === 'record' ? def.valueType : undefined;
  }
  const def = unwrap(schema)?._zod.def as SchemaDef | undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}
