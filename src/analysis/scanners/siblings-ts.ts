import { type TS, ts } from '../parse/typescript.js';
import { type Container, Containers, type ContainerValue } from './containers.js';
import { parseSource } from './ts-api.js';

// --- TypeScript / JavaScript (compiler API) ----------------------------------------------------

const nameText = (name: TS.Node | undefined): string | undefined =>
  name &&
  (ts.isIdentifier(name) ||
    ts.isStringLiteralLike(name) ||
    ts.isNumericLiteral(name) ||
    ts.isPrivateIdentifier(name))
    ? name.text
    : undefined;

/** Sibling containers of a TS/JS file, read with the compiler API. */
export function tsContainers(source: string, fileName: string): Container[] {
  const sf = parseSource(fileName, source);
  const out = new Containers();
  const line = (node: TS.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: TS.Node, scope: string) => {
    const named = node as TS.Node & { name?: TS.Node };
    const own =
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isPropertySignature(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isPropertyAssignment(node) ||
      ts.isMethodDeclaration(node)
        ? nameText(named.name)
        : undefined;
    const inner = own ? `${scope}/${own}` : scope;
    if (ts.isEnumDeclaration(node)) {
      const values = node.members.flatMap((m) => {
        const name = nameText(m.name);
        const init = m.initializer && ts.isStringLiteralLike(m.initializer) ? m.initializer : undefined;
        return [
          ...(name ? [{ value: name, line: line(m) }] : []),
          ...(init ? [{ value: init.text, line: line(init) }] : []),
        ];
      });
      out.add(`${inner}::`, 'enum', `\`${node.name.text}\` member`, true, values);
    } else if (ts.isUnionTypeNode(node)) {
      const values = node.types.flatMap((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)
          ? [{ value: t.literal.text, line: line(t) }]
          : [],
      );
      out.add(`${scope}|`, 'union', 'value', false, values);
    } else if (ts.isArrayLiteralExpression(node)) {
      const strings = node.elements.flatMap((e) =>
        ts.isStringLiteralLike(e) ? [{ value: e.text, line: line(e) }] : [],
      );
      out.add(`${scope}[]`, 'array', 'value', false, strings);
      const byField = new Map<string, ContainerValue[]>();
      for (const e of node.elements) {
        if (!ts.isObjectLiteralExpression(e)) continue;
        for (const p of e.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const field = nameText(p.name);
          if (field && ts.isStringLiteralLike(p.initializer))
            byField.set(field, [
              ...(byField.get(field) ?? []),
              { value: p.initializer.text, line: line(p.initializer) },
            ]);
        }
      }
      for (const [field, values] of byField) out.add(`${scope}[].${field}`, 'array', 'value', false, values);
    } else if (ts.isObjectLiteralExpression(node) && !ts.isArrayLiteralExpression(node.parent)) {
      // Keys of the objects in an array are fields, not options: the array's per-field containers hold those.
      const keys = node.properties.flatMap((p) => {
        const key = nameText(p.name);
        return key === undefined ? [] : [{ value: key, line: line(p) }];
      });
      out.add(`${scope}{}`, 'object', 'key', false, keys);
    } else if (ts.isSwitchStatement(node)) {
      const values = node.caseBlock.clauses.flatMap((c) =>
        ts.isCaseClause(c) && ts.isStringLiteralLike(c.expression)
          ? [{ value: c.expression.text, line: line(c) }]
          : [],
      );
      out.add(
        `${scope}/switch ${node.expression.getText(sf).replace(/\s+/g, '')}`,
        'match',
        'case',
        false,
        values,
      );
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, '');
  return out.list();
}
