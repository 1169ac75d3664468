import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

/** One tree-sitter parser with the Rust grammar, loaded once per process (the wasm takes ~100 ms). */
function rustParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const grammar = join(
      dirname(createRequire(import.meta.url).resolve('tree-sitter-rust/package.json')),
      'tree-sitter-rust.wasm',
    );
    const instance = new Parser();
    instance.setLanguage(await Language.load(grammar));
    return instance;
  })();
  return parser;
}

/**
 * Parses Rust source with tree-sitter (error-tolerant: a file that does not compile still gives a
 * tree). The tree lives in wasm memory: the caller must `tree.delete()` it when done.
 */
export async function parseRust(source: string): Promise<Tree> {
  const tree = (await rustParser()).parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree for a Rust source');
  return tree;
}
