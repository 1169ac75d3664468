import { setTimeout as sleepMs } from 'node:timers/promises';
import { z } from 'zod';
import type { Severity } from '../config/schema.js';
import type { GitHubClient } from '../github/client.js';
import { isHttpTimeout } from '../github/fetch.js';
import { rateLimitWaitSeconds } from '../github/rate-limit.js';
import { redactSecrets } from '../util/redact.js';
import { type FindingMarker, isDashboard, parseFindingMarker, parseSeenMarker } from './markers.js';

/** The downstream repository's issues, as far as release-watch needs them; responses are checked with zod. */

const issueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  body: z.string().nullish(),
  html_url: z.string(),
  pull_request: z.unknown().optional(),
});
const commentSchema = z.object({
  id: z.number(),
  body: z.string().nullish(),
  html_url: z.string().optional(),
});
const labelSchema = z.object({ name: z.string() });

export interface TrackedIssue {
  number: number;
  url: string;
  title: string;
  state: 'open' | 'closed';
  body: string;
  /** Set on issues release-watch filed for a finding. */
  finding?: FindingMarker;
  dashboard: boolean;
}

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/** A GitHub call that failed, with what was being done; the service turns it into a coded error. */
export class GitHubCallFailed extends Error {
  constructor(
    readonly action: string,
    readonly status: number | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${action}: ${status ? `HTTP ${status}: ` : ''}${reason}`, options);
    this.name = 'GitHubCallFailed';
  }
}

const statusOf = (error: unknown) => {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
};

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GitHubCallFailed) throw error;
    if (isHttpTimeout(error)) {
      throw new GitHubCallFailed(
        action,
        undefined,
        `${redactSecrets(error.message)} (raise RELEASE_WATCH_HTTP_TIMEOUT on a slow link)`,
        { cause: error },
      );
    }
    if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      throw new GitHubCallFailed(
        action,
        undefined,
        `the answer is not what the GitHub API returns${where}: ${issue?.message ?? 'unexpected shape'} (is GITHUB_API_URL the REST API?)`,
        { cause: error },
      );
    }
    const reason = (error as Error).message?.split('\n')[0] ?? String(error);
    throw new GitHubCallFailed(action, statusOf(error), reason, { cause: error });
  }
}

export interface CreateRetry {
  /** Tries for a request that creates something (default 3). */
  attempts?: number;
  /** Wait before the n-th retry: n² × this (default 1000 ms). */
  delayMs?: number;
}

const SEVERITY_COLORS: Record<Severity, string> = {
  breaking: 'b60205',
  high: 'd93f0b',
  medium: 'fbca04',
  low: '0e8a16',
  none: 'c5def5',
};

/** Color and description for the labels release-watch creates. */
export function labelStyle(name: string): { color: string; description: string } {
  const severity = /^severity:(.+)$/.exec(name)?.[1] as Severity | undefined;
  if (severity && severity in SEVERITY_COLORS)
    return { color: SEVERITY_COLORS[severity], description: `release-watch finding of severity ${severity}` };
  const upstream = /^upstream:(.+)$/.exec(name)?.[1];
  if (upstream) return { color: '5319e7', description: `release-watch findings about upstream ${upstream}` };
  return { color: '1d76db', description: 'Filed by release-watch' };
}

export class IssueTracker {
  readonly owner: string;
  readonly name: string;
  private readonly attempts: number;
  private readonly delayMs: number;

  constructor(
    private readonly github: GitHubClient,
    readonly repo: string,
    /** Every issue release-watch files carries these; listing filters by them. */
    private readonly labels: readonly string[],
    retry: CreateRetry = {},
  ) {
    [this.owner, this.name] = repo.split('/') as [string, string];
    this.attempts = Math.max(1, retry.attempts ?? 3);
    this.delayMs = retry.delayMs ?? 1000;
  }

  /**
   * All issues (open and closed) carrying the configured labels, paginated. The issues list API, not
   * search: search lags behind issues filed moments ago, and a re-run must see them.
   */
  listIssues(options: { newestOnly?: boolean } = {}): Promise<TrackedIssue[]> {
    return call(`listing issues of ${this.repo}`, async () => {
      const params = {
        owner: this.owner,
        repo: this.name,
        state: 'all' as const,
        sort: 'created' as const,
        direction: 'desc' as const,
        per_page: 100,
        ...(this.labels.length > 0 ? { labels: this.labels.join(',') } : {}),
      };
      const raw = options.newestOnly
        ? (await this.github.rest.issues.listForRepo(params)).data
        : await this.github.paginate(this.github.rest.issues.listForRepo, params);
      return z
        .array(issueSchema)
        .parse(raw)
        .filter((issue) => issue.pull_request === undefined || issue.pull_request === null)
        .map(toTracked);
    });
  }

  /** Tags for which a "seen again" comment exists on this issue. */
  seenTags(issue: number, fingerprint: string): Promise<Set<string>> {
    return call(`reading comments of ${this.repo}#${issue}`, async () => {
      const comments = z.array(commentSchema).parse(
        await this.github.paginate(this.github.rest.issues.listComments, {
          owner: this.owner,
          repo: this.name,
          issue_number: issue,
          per_page: 100,
        }),
      );
      const tags = comments
        .map((c) => parseSeenMarker(c.body))
        .filter((m): m is FindingMarker => m?.fingerprint === fingerprint)
        .map((m) => m.tag);
      return new Set(tags);
    });
  }

  /** Creates the labels that do not exist yet (names compare case-insensitively, as on GitHub). */
  ensureLabels(names: readonly string[]): Promise<string[]> {
    return call(`creating labels in ${this.repo}`, async () => {
      const existing = z.array(labelSchema).parse(
        await this.github.paginate(this.github.rest.issues.listLabelsForRepo, {
          owner: this.owner,
          repo: this.name,
          per_page: 100,
        }),
      );
      const have = new Set(existing.map((l) => l.name.toLowerCase()));
      const created: string[] = [];
      for (const name of new Set(names)) {
        if (have.has(name.toLowerCase())) continue;
        try {
          await this.write(
            async () => {
              await this.github.rest.issues.createLabel({
                owner: this.owner,
                repo: this.name,
                name,
                ...labelStyle(name),
                request: { retries: 0 },
              });
              return name;
            },
            () =>
              this.github.rest.issues.getLabel({ owner: this.owner, repo: this.name, name }).then(
                () => name,
                (error: unknown) => {
                  if (statusOf(error) === 404) return undefined;
                  throw error;
                },
              ),
          );
          created.push(name);
        } catch (error) {
          // Created in the meantime (another job): fine.
          if (statusOf(error) !== 422) throw error;
        }
        have.add(name.toLowerCase());
      }
      return created;
    });
  }

  /**
   * Files an issue. A 5xx or a rate limit can come back for an issue GitHub did create, so before
   * each retry the newest issues are searched for the marker; the request is never retried blindly.
   */
  createIssue(issue: NewIssue, isSame: (found: TrackedIssue) => boolean): Promise<TrackedIssue> {
    return call(`filing "${issue.title}" in ${this.repo}`, () =>
      this.write(
        async () => {
          const { data } = await this.github.rest.issues.create({
            owner: this.owner,
            repo: this.name,
            title: issue.title,
            body: issue.body,
            labels: issue.labels,
            request: { retries: 0 },
          });
          return toTracked(issueSchema.parse(data));
        },
        async () => (await this.listIssues({ newestOnly: true })).find(isSame),
      ),
    );
  }

  /** Comments on an issue; like {@link createIssue}, a retry first looks for the comment's marker. */
  comment(issue: number, body: string, seen: FindingMarker): Promise<{ id: number; url?: string }> {
    return call(`commenting on ${this.repo}#${issue}`, () =>
      this.write(
        async () => {
          const { data } = await this.github.rest.issues.createComment({
            owner: this.owner,
            repo: this.name,
            issue_number: issue,
            body,
            request: { retries: 0 },
          });
          const parsed = commentSchema.parse(data);
          return { id: parsed.id, url: parsed.html_url };
        },
        async () =>
          (await this.seenTags(issue, seen.fingerprint)).has(seen.tag)
            ? { id: 0, url: undefined }
            : undefined,
      ),
    );
  }

  /** Replaces an issue's body; a retry first reads the issue back and stops if the body is already there. */
  updateBody(issue: number, body: string): Promise<TrackedIssue> {
    return call(`updating ${this.repo}#${issue}`, () =>
      this.write(
        async () => {
          const { data } = await this.github.rest.issues.update({
            owner: this.owner,
            repo: this.name,
            issue_number: issue,
            body,
            request: { retries: 0 },
          });
          return toTracked(issueSchema.parse(data));
        },
        async () => {
          const { data } = await this.github.rest.issues.get({
            owner: this.owner,
            repo: this.name,
            issue_number: issue,
          });
          const current = toTracked(issueSchema.parse(data));
          return current.body === body ? current : undefined;
        },
      ),
    );
  }

  /**
   * One write, tried up to `attempts` times. Whatever the failure (a 5xx, a reset connection, a
   * secondary or primary rate limit, a 429), GitHub may have carried the write out: before each retry
   * `alreadyDone` looks for its marker, and a found one is the answer. Octokit's plugins never resend
   * a write themselves (see github/client.ts); a refusal that cannot have been carried out (4xx other
   * than rate limits) fails at once.
   */
  private async write<T>(attempt: () => Promise<T>, alreadyDone: () => Promise<T | undefined>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        const wait = retryWaitSeconds(error);
        if (wait === undefined || wait > MAX_RETRY_WAIT_S || n >= this.attempts) throw error;
        // Retry-After and the rate-limit reset are seconds; `delayMs` is what one second is here.
        await sleepMs(Math.max(this.delayMs * n * n, (wait * this.delayMs) | 0));
        const done = await alreadyDone();
        if (done !== undefined) return done;
      }
    }
  }
}

/** Longest wait release-watch sits through before a retry (as the client's rate-limit bound). */
const MAX_RETRY_WAIT_S = 120;

/**
 * Seconds to wait before retrying a failed write, or undefined when it must not be retried: no
 * answer or a 5xx (0), a rate limit (as GitHub asks: see rateLimitWaitSeconds).
 */
function retryWaitSeconds(error: unknown): number | undefined {
  const status = statusOf(error);
  if (status === undefined || status >= 500) return 0;
  return rateLimitWaitSeconds(error);
}

function toTracked(issue: z.infer<typeof issueSchema>): TrackedIssue {
  const body = issue.body ?? '';
  return {
    number: issue.number,
    url: issue.html_url,
    title: issue.title,
    state: issue.state,
    body,
    finding: parseFindingMarker(body),
    dashboard: isDashboard(body),
  };
}
