import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import { codeBlock, parseMarkdown, serializeMarkdown, text } from './markdown.js';

/**
 * Defanging text that came from an upstream or the agent before it reaches GitHub (issue bodies,
 * comments, job summaries) or the agent's brief (release notes in context.md).
 *
 * GitHub links `@user`, `@org/team`, `#123`, `GH-123` and `owner/repo#123` in rendered markdown, and
 * notifies or cross-links the target. Backticks stop that only in the rendered view: text quoted back
 * in an e-mail reply is parsed again as plain text (Dependabot had to move from code spans to
 * zero-width spaces for that reason). A zero-width space between `@`/`#` and the name survives every
 * rendering, reads the same, and GitHub's patterns no longer match.
 */
export const ZWSP = '\u200B';

/** GitHub's limit on an issue or comment body, in characters. */
export const GITHUB_BODY_LIMIT = 65_536;

// Format characters (zero-width, bidi controls, BOM, soft hyphen, tag characters), invisible
// letters (Hangul fillers) and variation selectors that are not the emoji ones (FE0E/FE0F).
const INVISIBLE =
  /\p{Cf}|[\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5|[\u180B-\u180F]|[\uFE00-\uFE0D]|[\u{E0100}-\u{E01EF}]/gu;
// Control characters other than tab and newline.
const CONTROL = /(?![\t\n])\p{Cc}/gu;

/** Normalizes line ends and removes invisible, bidi and control characters. */
export function stripInvisible(input: string): string {
  return input
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '');
}

/**
 * Removes HTML comments, and any `<!--` or `-->` left over, until none remain: a comment can hide
 * text, swallow the rest of a body when unterminated, or fake release-watch's own markers.
 */
export function stripHtmlComments(input: string): string {
  let out = input;
  while (/<!--|-->/.test(out)) out = out.replace(/<!--[\s\S]*?-->/g, '').replace(/<!--|-->/g, '');
  return out;
}

/** Breaks mentions and issue references (see {@link ZWSP}); e-mail addresses stay as they are. */
export function defangReferences(input: string): string {
  return input
    .replace(/(?<!\w)@(?=[A-Za-z0-9])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`);
}

/** Plain text from elsewhere, made safe to embed: invisible characters and comments gone, mentions and references broken. */
export function sanitizeText(input: string): string {
  return defangReferences(stripHtmlComments(stripInvisible(input)));
}

/** One line of plain text (titles, table cells), cut to `max` characters. */
export function sanitizeInline(input: string, max = Number.POSITIVE_INFINITY): string {
  const line = sanitizeText(input).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${sliceChars(line, max - 1).trimEnd()}…` : line;
}

/**
 * Markdown from elsewhere as mdast nodes that cannot break the document they are put in: headings
 * become bold paragraphs, raw HTML becomes visible text, fences are closed, reference definitions
 * and footnotes are resolved in place (they would otherwise act on the whole document), links to
 * issues and pull requests become code (a link is a cross-reference too), and every text, code and
 * link label is defanged.
 */
export function sanitizeMarkdownNodes(markdown: string): RootContent[] {
  const clean = stripHtmlComments(stripInvisible(markdown));
  try {
    const tree = parseMarkdown(clean);
    return neutralise(tree, definitionsOf(tree)).flatMap((node) =>
      node.type === 'root' ? node.children : [node as RootContent],
    );
  } catch {
    // Pathological input (nesting deeper than the parser's stack): show it as plain code.
    return [codeBlock(defangReferences(clean))];
  }
}

/** {@link sanitizeMarkdownNodes} as markdown text. */
export function sanitizeMarkdown(markdown: string): string {
  return serializeMarkdown(sanitizeMarkdownNodes(markdown));
}

/** Code from elsewhere (excerpts): kept verbatim but for invisible characters, comments and references. */
export function sanitizeCode(input: string): string {
  return sanitizeText(input);
}

/** Cuts `input` to at most `max` characters plus a note saying how much was cut, at a line end when one is near. */
export function cutText(input: string, max: number): string {
  if (input.length <= max) return input;
  let cut = sliceChars(input, Math.max(0, max));
  const newline = cut.lastIndexOf('\n');
  if (newline > cut.length * 0.8) cut = cut.slice(0, newline);
  return `${cut.trimEnd()}\n\n… (${input.length - cut.length} more characters cut)`;
}

/** Slices without splitting a surrogate pair. */
function sliceChars(input: string, end: number): string {
  const code = input.charCodeAt(end - 1);
  return input.slice(0, code >= 0xd800 && code <= 0xdbff ? end - 1 : end);
}

/** A piece of text from elsewhere that may be cut to make a body fit, and how to render it once cut. */
export interface CuttableField<T> {
  source: string;
  render: (source: string) => T;
  /** Length of the rendered value, for choosing what to cut. */
  size: (rendered: T) => number;
}

/**
 * Renders a body that fits `limit` characters with `marker` intact at its end: while too long, the
 * largest field is cut (in proportion to the overflow) and rendered again, so cut markdown is still
 * well-formed. As a last resort every field is replaced by a short note.
 */
export function fitBody<T>(
  fields: CuttableField<T>[],
  assemble: (rendered: T[]) => string,
  marker: string,
  limit = GITHUB_BODY_LIMIT,
): string {
  const sources = fields.map((f) => f.source);
  const rendered = fields.map((f) => f.render(f.source));
  const withMarker = (body: string) => `${body}\n\n${marker}\n`;
  for (let round = 0; round < 12; round++) {
    const body = withMarker(assemble(rendered));
    if (body.length <= limit) return body;
    const sizes = rendered.map((r, i) => fields[i]!.size(r));
    const largest = sizes.indexOf(Math.max(...sizes));
    if (largest < 0 || sizes[largest] === 0) break;
    const over = body.length - limit;
    const keep = Math.max(0, (sizes[largest]! - over - 256) / sizes[largest]!);
    sources[largest] = cutText(sources[largest]!, Math.floor(sources[largest]!.length * keep));
    rendered[largest] = fields[largest]!.render(sources[largest]!);
  }
  const notes = fields.map((f) => f.render('(too long to show here)'));
  const body = withMarker(assemble(notes));
  return body.length <= limit ? body : withMarker(sliceChars(assemble(notes), limit - marker.length - 4));
}

type Definitions = Map<string, { url: string; title?: string | null }>;

function definitionsOf(tree: Root): Definitions {
  const found: Definitions = new Map();
  const walk = (node: Nodes) => {
    if (node.type === 'definition' && !found.has(node.identifier)) found.set(node.identifier, node);
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(tree);
  return found;
}

// Links GitHub turns into a cross-reference ("mentioned this issue" on the target).
const CROSS_REFERENCE_URL = /^https?:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+\/(?:issues|pull|pulls|discussions)\/\d+/i;
const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

function neutralise(node: Nodes, definitions: Definitions, parent?: Nodes): Nodes[] {
  const recurse = (n: Nodes): Nodes[] => {
    if ('children' in n) {
      n.children = n.children.flatMap((child) => neutralise(child, definitions, n)) as never;
    }
    return [n];
  };
  switch (node.type) {
    case 'text':
      return [{ ...node, value: defangReferences(node.value) }];
    case 'inlineCode':
      return [{ ...node, value: defangReferences(node.value) }];
    case 'code':
      return [
        {
          ...node,
          value: defangReferences(node.value),
          lang: node.lang?.replace(/[^\w+#.-]/g, '').slice(0, 30) || null,
          meta: null,
        },
      ];
    case 'html': {
      const shown = text(defangReferences(node.value));
      return [BLOCK_PARENTS.has(parent?.type ?? 'root') ? { type: 'paragraph', children: [shown] } : shown];
    }
    case 'heading':
      return recurse({ type: 'paragraph', children: [{ type: 'strong', children: node.children }] });
    case 'definition':
      return [];
    case 'linkReference': {
      const target = definitions.get(node.identifier);
      if (!target) return recurse({ type: 'emphasis', children: node.children });
      return neutralise(
        { type: 'link', url: target.url, title: target.title, children: node.children },
        definitions,
      );
    }
    case 'imageReference': {
      const target = definitions.get(node.identifier);
      const alt = node.alt ?? '';
      if (!target) return [text(defangReferences(alt))];
      return neutralise({ type: 'image', url: target.url, alt }, definitions);
    }
    case 'image':
      // Images from elsewhere become plain links: nothing is fetched or embedded in the issue.
      return neutralise(
        { type: 'link', url: node.url, children: [text(`image: ${node.alt || node.url}`)] },
        definitions,
      );
    case 'footnoteReference':
      return [text(`[^${node.label ?? node.identifier}]`)];
    case 'footnoteDefinition':
      return neutralise(
        {
          type: 'blockquote',
          children: [
            { type: 'paragraph', children: [text(`[^${node.label ?? node.identifier}]:`)] },
            ...node.children,
          ],
        },
        definitions,
        parent,
      );
    case 'link': {
      const autolink =
        node.children.length === 1 &&
        node.children[0]!.type === 'text' &&
        node.children[0]!.value.replace(/^mailto:/, '') === node.url.replace(/^mailto:/, '');
      if (CROSS_REFERENCE_URL.test(node.url)) {
        const url: PhrasingContent = { type: 'inlineCode', value: node.url };
        if (autolink) return [url];
        const label = node.children.flatMap((c) => neutralise(c, definitions, node)) as PhrasingContent[];
        return [...label, text(' ('), url, text(')')];
      }
      return autolink ? [node] : recurse(node);
    }
    default:
      return recurse(node);
  }
}
