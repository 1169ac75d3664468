import type { Code, Heading, Html, Link, Paragraph, PhrasingContent, Root, RootContent, Text } from 'mdast';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

/**
 * release-watch's own markdown (issue bodies, comments, report.md) is built as an mdast tree and
 * serialized once, so escaping, fence lengths and table pipes are the serializer's job, never string
 * concatenation's. Text from elsewhere goes in as text nodes, code nodes, or through `trusted()`
 * after sanitizeMarkdown.
 */

export function serializeMarkdown(nodes: Root | RootContent[]): string {
  const root: Root = Array.isArray(nodes) ? { type: 'root', children: nodes } : nodes;
  return toMarkdown(root, { extensions: [gfmToMarkdown()], bullet: '-', rule: '-' }).trimEnd();
}

type Inline = PhrasingContent | string;
const inline = (children: Inline[]): PhrasingContent[] =>
  children.map((child) => (typeof child === 'string' ? text(child) : child));

export const text = (value: string): Text => ({ type: 'text', value });
export const strong = (...children: Inline[]): PhrasingContent => ({
  type: 'strong',
  children: inline(children),
});
export const emphasis = (...children: Inline[]): PhrasingContent => ({
  type: 'emphasis',
  children: inline(children),
});
export const code = (value: string): PhrasingContent => ({ type: 'inlineCode', value });
export const link = (url: string, ...children: Inline[]): Link => ({
  type: 'link',
  url,
  children: inline(children),
});
export const paragraph = (...children: Inline[]): Paragraph => ({
  type: 'paragraph',
  children: inline(children),
});
export const heading = (depth: Heading['depth'], ...children: Inline[]): Heading => ({
  type: 'heading',
  depth,
  children: inline(children),
});
export const codeBlock = (value: string, lang?: string): Code => ({
  type: 'code',
  lang: lang ?? null,
  value,
});
/** Markdown put in verbatim: release-watch's own markers, or text that went through sanitizeMarkdown. */
export const trusted = (markdown: string): Html => ({ type: 'html', value: markdown });

export const bulletList = (items: Inline[][]): RootContent => ({
  type: 'list',
  ordered: false,
  spread: false,
  children: items.map((item) => ({ type: 'listItem', spread: false, children: [paragraph(...item)] })),
});

/** A GFM table; the first row is the header, a cell is one inline node or several. */
export const table = (rows: (Inline | Inline[])[][]): RootContent => ({
  type: 'table',
  align: rows[0]?.map(() => null) ?? [],
  children: rows.map((cells) => ({
    type: 'tableRow',
    children: cells.map((cell) => ({ type: 'tableCell', children: inline([cell].flat()) })),
  })),
});
