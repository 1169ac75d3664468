import { z } from 'zod';
import { severitySchema } from '../config/schema.js';

export const evidenceSchema = z.strictObject({
  /** Path inside the upstream repository (ref from/to) or the downstream checkout (ref downstream), relative to its root. */
  path: z.string().min(1),
  /** Which side of the diff the lines are on, or `downstream` for the downstream checkout's files that depend on them. */
  ref: z.enum(['from', 'to', 'downstream']),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  excerpt: z.string(),
});

const findingFields = {
  /** Stable kebab-case id; the issue fingerprint derives from it. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a kebab-case id like "auth-token-endpoint-moved"' }),
  title: z.string().min(1).max(200),
  severity: severitySchema,
  /** A configured surface name, or "other". */
  surface: z.string().min(1),
  description: z.string().min(1),
  recommendation: z.string(),
  confidence: z.number().min(0).max(1),
  evidence: z.array(evidenceSchema),
};

/** What the agent must answer: the analysis without the fields release-watch sets itself. */
export const agentOutputSchema = z.strictObject({
  impact: severitySchema,
  summary: z.string(),
  findings: z.array(z.strictObject(findingFields)),
});

export const findingSchema = z.strictObject({
  ...findingFields,
  source: z.enum(['scanner', 'agent']),
  /** Set by release-watch after checking the evidence against the repository, never by the agent. */
  verified: z.boolean(),
});

export const analysisSchema = z.strictObject({
  schemaVersion: z.literal(1),
  upstream: z.strictObject({ id: z.string(), repo: z.string(), from: z.string(), to: z.string() }),
  impact: severitySchema,
  summary: z.string(),
  findings: z.array(findingSchema),
  coverage: z.strictObject({
    filesChanged: z.number().int().nonnegative(),
    filesInContext: z.number().int().nonnegative(),
    surfacesTouched: z.array(z.string()),
    truncated: z.boolean(),
    /** What the analysis left out and why (parse budget, size caps), one sentence each. */
    notes: z.array(z.string()).optional(),
  }),
  agent: z.strictObject({
    kind: z.enum(['opencode', 'none']),
    model: z.string().optional(),
    durationMs: z.number().nonnegative(),
    tokens: z.number().nonnegative(),
    cost: z.number().nonnegative(),
    /** What release-watch dropped or filled in the agent's answer (an extra key, a missing excerpt). */
    adjustments: z.array(z.string()).optional(),
  }),
});

export type Evidence = z.infer<typeof evidenceSchema>;
export type AgentOutput = z.infer<typeof agentOutputSchema>;
export type Finding = z.infer<typeof findingSchema>;
export type Analysis = z.infer<typeof analysisSchema>;

/** JSON Schemas for the agent definition and for other tools; written to schema/ by `npm run schema`. */
export const jsonSchemas = () => ({
  'analysis.schema.json': z.toJSONSchema(analysisSchema, { target: 'draft-2020-12' }),
  'agent-output.schema.json': z.toJSONSchema(agentOutputSchema, { target: 'draft-2020-12' }),
});
