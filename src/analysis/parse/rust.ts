// tree-sitter-rust is found at run time (createRequire below): knip.json lists it as used.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

/** The Rust grammar shipped by tree-sitter-rust, found through node's resolution (works once installed). */
function grammarPath(): string {
  const pkg = createRequire(import.meta.url).resolve('tree-sitter-rust/package.json');
  return join(dirname(pkg), 'tree-sitter-rust.wasm');
}

async function load(): Promise<Parser> {
  await Parser.init();
  const language = await Language.load(grammarPath());
  const created = new Parser();
  created.setLanguage(language);
  return created;
}

/**
 * A tree-sitter syntax tree of Rust source (the wasm runtime and grammar load once, on first use).
 * The tree lives in wasm memory: call `tree.delete()` when done with it.
 */
export async function parseRust(source: string): Promise<Tree> {
  parser ??= load().catch((error: unknown) => {
    parser = undefined;
    throw error;
  });
  const tree = (await parser).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree for a Rust source');
  return tree;
}

export type { Node as SyntaxNode, Tree as SyntaxTree } from 'web-tree-sitter';
