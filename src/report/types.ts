import type { Severity } from '../config/schema.js';

/** What report did (or, in a dry run, would do) for one finding. */
export type FindingAction =
  /** A new issue was filed. */
  | 'created'
  | 'would-create'
  /** The open issue from an earlier release got one comment naming this release. */
  | 'commented'
  | 'would-comment'
  /** An issue already covers this finding and this release. */
  | 'exists'
  /** The finding's issue was closed: it is never filed again. */
  | 'closed'
  /** Over `downstream.maxIssuesPerRun`: listed, not filed. */
  | 'deferred'
  | 'below-min-severity'
  /** Evidence not verified, and `--include-unverified` not given. */
  | 'unverified';

export interface FindingOutcome {
  findingId: string;
  title: string;
  severity: Severity;
  surface: string;
  fingerprint: string;
  action: FindingAction;
  /** The issue acted on or found; absent for findings that were not filed, or would be new. */
  issue?: { number: number; url: string; state: 'open' | 'closed' };
  /** For a created or planned issue: the title it gets. */
  issueTitle?: string;
  /** For a created or planned issue: its labels and body, as filed (or as a dry run would file them). */
  labels?: string[];
  body?: string;
  /** Where the body was written: `<artifacts>/<upstream>/<tag>/issues/<nn>-<id>.md`. */
  bodyFile?: string;
}

export type DashboardAction = 'created' | 'updated' | 'unchanged' | 'would-create' | 'would-update';

export interface ReportResult {
  upstream: string;
  tag: string;
  from: string;
  /** Downstream repository (`owner/name`), or null in a dry run without one. */
  repo: string | null;
  dryRun: boolean;
  impact: Severity;
  minSeverity: Severity;
  /** New issues (filed, or that a dry run would file). */
  created: FindingOutcome[];
  /** Open issues from an earlier release that got (or would get) a comment for this release. */
  updated: FindingOutcome[];
  /** Every other finding, with the reason in `action`. */
  skipped: FindingOutcome[];
  dashboard?: { action: DashboardAction; number?: number; url?: string };
  state: {
    /** Whether this run moved `lastReviewed` (never in a dry run). */
    advanced: boolean;
    lastReviewed: string | null;
    issues: number[];
  };
  /** Path of report.md. */
  report: string;
  /** The body of each issue filed (or that a dry run would file), most severe first. */
  issueFiles: string[];
  /** Things worth knowing that did not stop the run (e.g. GitHub unreadable in a dry run). */
  notes: string[];
}
