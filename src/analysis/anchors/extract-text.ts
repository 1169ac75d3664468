import { isNode, isScalar, parseAllDocuments, visit } from 'yaml';
import { type TS, ts } from '../parse/typescript.js';
import type { Emit } from './extract-ts.js';
import { classifyString, isEnvName } from './strings.js';

/** package.json fields whose keys are the packages the downstream depends on. */
const DEPENDENCY_FIELDS = new Set([
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
]);

/** JSON (comments allowed, as in tsconfig.json): keys and string values, through the compiler's JSON parser. */
export function mineJson(fileName: string, text: string, emit: Emit): void {
  const sf = ts.parseJsonText(fileName, text);
  const isPackageJson = fileName === 'package.json' || fileName.endsWith('/package.json');
  const visitNode = (node: TS.Node, parentKey: string | undefined, depth: number): void => {
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const key = ts.isStringLiteral(property.name) ? property.name.text : undefined;
        if (key !== undefined) {
          const offset = property.name.getStart(sf);
          if (isPackageJson && depth === 1 && parentKey && DEPENDENCY_FIELDS.has(parentKey)) {
            emit({ kind: 'module', value: key }, offset);
          } else {
            for (const named of classifyString(key)) emit(named, offset);
          }
        }
        visitNode(property.initializer, key, depth + 1);
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) visitNode(element, parentKey, depth + 1);
    } else if (ts.isStringLiteral(node)) {
      // Versions and package names of the dependency fields were taken as modules above.
      if (isPackageJson && depth === 2 && parentKey && DEPENDENCY_FIELDS.has(parentKey)) return;
      for (const named of classifyString(node.text)) emit(named, node.getStart(sf));
    }
  };
  const root = sf.statements[0]?.expression;
  if (root) visitNode(root, undefined, 0);
}

/** YAML: every string scalar (keys included), through the `yaml` parser; all documents of a stream. */
export function mineYaml(text: string, emit: Emit): void {
  for (const document of parseAllDocuments(text)) {
    if (!isNode(document.contents)) continue;
    visit(document, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === 'string' && node.range) {
          for (const named of classifyString(node.value)) emit(named, node.range[0]);
        }
      },
    });
  }
}

/**
 * Markdown: absolute URLs (bare, autolinked or link targets), inline code spans (`CODEX_HOME`,
 * `gpt-5.1-codex`) and UPPER_SNAKE words; fenced code blocks are skipped. A line scanner, not the
 * mdast parser: that took 5 s for the 440 KB of Markdown in a real plugin, this takes milliseconds.
 * Prose words are not mined: they are not what the code relies on.
 */
export function mineMarkdown(text: string, emit: Emit): void {
  let fence: string | undefined;
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    mineMarkdownLine(line, start, emit);
  }
}

function mineMarkdownLine(line: string, start: number, emit: Emit): void {
  let prose = '';
  // Code spans: a run of n backticks up to the next run of exactly n (CommonMark), on this line.
  for (let at = 0; at < line.length; ) {
    const open = line.indexOf('`', at);
    if (open === -1) {
      prose += line.slice(at);
      break;
    }
    prose += line.slice(at, open);
    let width = 1;
    while (line[open + width] === '`') width += 1;
    let close = -1;
    for (let probe = line.indexOf('`', open + width); probe !== -1; probe = line.indexOf('`', probe + 1)) {
      let run = 1;
      while (line[probe + run] === '`') run += 1;
      if (run === width) {
        close = probe;
        break;
      }
      probe += run - 1;
    }
    if (close === -1) {
      prose += line.slice(open, open + width);
      at = open + width;
      continue;
    }
    for (const named of classifyString(line.slice(open + width, close).trim())) emit(named, start + open);
    prose += ' '.repeat(close + width - open);
    at = close + width;
  }
  for (const match of prose.matchAll(/(?:https?|wss?):\/\/[^\s<>()[\]"'`]+/gi)) {
    const url = match[0].replace(/[.,;:!?*_]+$/, '');
    for (const named of classifyString(url)) emit(named, start + match.index);
  }
  // UPPER_SNAKE words in prose are env vars more often than not (`set CODEX_HOME to …`).
  for (const match of prose.matchAll(/[A-Za-z0-9_]+/g)) {
    if (isEnvName(match[0])) emit({ kind: 'env', value: match[0] }, start + match.index);
  }
}
