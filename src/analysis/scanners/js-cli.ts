import { type TS, ts } from '../parse/typescript.js';
import { parseSource } from './ts-api.js';
import type { CliDefinitions, CliName } from './types.js';

/** Flags and subcommands declared with yargs (`.option('x', { alias })`) or commander (`.option('-x, --xyz')`). */
export function jsCliNames(text: string, fileName: string): CliDefinitions {
  const sf = parseSource(fileName, text);
  const names: CliName[] = [];
  const lineOf = (node: TS.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const add = (kindOf: CliName['kind'], spellings: string[], node: TS.Node) => {
    const primary = spellings.find((s) => s.startsWith('--')) ?? spellings[0];
    if (!primary) return;
    const line = lineOf(node);
    for (const name of spellings) {
      names.push({
        scope: 'js',
        kind: kindOf,
        name,
        primary,
        ident: primary,
        startLine: line,
        endLine: line,
      });
    }
  };
  const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);
  const aliasesOf = (options: TS.Expression | undefined): string[] => {
    if (!options || !ts.isObjectLiteralExpression(options)) return [];
    const alias = options.properties.find(
      (p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'alias',
    )?.initializer;
    if (!alias) return [];
    if (ts.isStringLiteralLike(alias)) return [alias.text];
    if (ts.isArrayLiteralExpression(alias))
      return alias.elements.filter(ts.isStringLiteralLike).map((e) => e.text);
    return [];
  };
  // The program's own name, when the file gives it (commander `.name('x')`, yargs `.scriptName('x')`).
  let program: string | undefined;
  const visit = (node: TS.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [first, second] = node.arguments;
      if (
        (method === 'name' || method === 'scriptName') &&
        node.arguments.length === 1 &&
        first &&
        ts.isStringLiteralLike(first)
      ) {
        program ??= first.text;
      } else if (
        (method === 'option' || method === 'requiredOption') &&
        first &&
        ts.isStringLiteralLike(first)
      ) {
        const spec = first.text;
        if (spec.trimStart().startsWith('-')) {
          // commander: "-m, --model <name>"
          add('flag', spec.match(/--?[\w][\w-]*/g) ?? [], first);
        } else add('flag', [flag(spec), ...aliasesOf(second).map(flag)], first);
      } else if (method === 'options' && first && ts.isObjectLiteralExpression(first)) {
        for (const p of first.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const name = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
          if (name) add('flag', [flag(name), ...aliasesOf(p.initializer).map(flag)], p);
        }
      } else if (method === 'command' && first && ts.isStringLiteralLike(first)) {
        const name = first.text.trim().split(/\s+/)[0];
        if (name && name !== '$0' && name !== '*') add('subcommand', [name], first);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { names: program ? names.map((n) => ({ ...n, program })) : names, flattens: [] };
}
