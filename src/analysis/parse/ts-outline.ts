import { getOrCreate } from '../../util/group.js';
import { touches } from '../patch/patch.js';
import { type TS, ts } from './typescript.js';

const K = ts.SyntaxKind;

/**
 * A TypeScript/JavaScript file with the insides of its function bodies blanked: the parser reads
 * each body's inside as its line breaks alone (outlineText), so whatever is left stands at the lines
 * it has in the file. A module's exported API is its declarations and their signatures; the bodies
 * are most of the text and most of the parse, and none of the API.
 *
 * The bodies are found by TypeScript's own scanner (strings, template literals, regular expressions
 * and comments as the compiler reads them) and blanked only where the tokens say for certain that a
 * brace opens a function body: functions, methods, accessors and constructors declared in a module,
 * a namespace or a class, and arrow functions given as the value of a variable, an assignment or a
 * class property. Anything else (a callback passed to a call, an object literal's methods) is kept as
 * written. `outlineScript` answers which ranges it blanked; `parseChecked` then checks each one against
 * the parse of the result. The same scan cuts the module into its top-level statements, so a change
 * can be compared on the statements it touches (keepTouchedStatements).
 */
export interface Outline {
  /** The file as written. */
  source: string;
  /** `[start, end)` of each blanked body's inside, in file order: each is checked against the parse. */
  blanked: [number, number][];
  /** `[start, end)` of statements left out as well (keepTouchedStatements), in file order; not checked. */
  dropped?: readonly (readonly [number, number])[];
  /** The module's top-level statements as the scan cut them, in file order. */
  statements: Statement[];
}

/** One top-level statement: `[start, end)` from its first token to the end of its last. */
export interface Statement {
  start: number;
  end: number;
  /**
   * Whether it opens as a declaration the scan can name (`export async function load`): functions,
   * classes, interfaces, types, enums, variables, namespaces.
   */
  declaration: boolean;
  /** The names declared in it: its own, and any a statement the scan did not cut off declares. */
  names: string[];
  /** An `import`: it adds nothing to the module's API. */
  import?: boolean;
}

/** The keywords that say what a statement declares. */
const DECLARES = new Set<TS.SyntaxKind>([
  K.FunctionKeyword,
  K.ClassKeyword,
  K.InterfaceKeyword,
  K.TypeKeyword,
  K.EnumKeyword,
  K.ConstKeyword,
  K.LetKeyword,
  K.VarKeyword,
  K.NamespaceKeyword,
  K.ModuleKeyword,
]);
/** Keywords a named declaration may open with, before its name: those and its modifiers. */
const DECLARATION_LEAD = new Set<TS.SyntaxKind>([
  ...DECLARES,
  K.ExportKeyword,
  K.DefaultKeyword,
  K.DeclareKeyword,
  K.AbstractKeyword,
  K.AsyncKeyword,
  K.AsteriskToken,
]);

/** Tokens after which `/` starts a regular expression rather than a division. */
const BEFORE_REGEX = new Set<TS.SyntaxKind>([
  K.ReturnKeyword,
  K.TypeOfKeyword,
  K.InstanceOfKeyword,
  K.InKeyword,
  K.OfKeyword,
  K.NewKeyword,
  K.DeleteKeyword,
  K.VoidKeyword,
  K.ThrowKeyword,
  K.CaseKeyword,
  K.DoKeyword,
  K.ElseKeyword,
  K.YieldKeyword,
  K.AwaitKeyword,
]);

/** Keywords that take a type after them: an object type may follow (`keyof {…}`, `x is {…}`). */
const TYPE_OPERATORS = new Set<TS.SyntaxKind>([
  K.KeyOfKeyword,
  K.TypeOfKeyword,
  K.InferKeyword,
  K.IsKeyword,
  K.ExtendsKeyword,
  K.ReadonlyKeyword,
  K.UniqueKeyword,
  K.AssertsKeyword,
  K.NewKeyword,
  K.InKeyword,
  K.AsKeyword,
  K.SatisfiesKeyword,
  K.ImplementsKeyword,
]);

/** Keywords that continue an expression on the next line (no statement ends before them). */
const CONTINUING = new Set<TS.SyntaxKind>([
  K.AsKeyword,
  K.SatisfiesKeyword,
  K.InKeyword,
  K.InstanceOfKeyword,
  K.OfKeyword,
  K.ExtendsKeyword,
]);

const isWord = (kind: TS.SyntaxKind) =>
  kind === K.Identifier || (kind >= K.FirstKeyword && kind <= K.LastKeyword);
const isLiteral = (kind: TS.SyntaxKind) =>
  kind === K.StringLiteral ||
  kind === K.NumericLiteral ||
  kind === K.BigIntLiteral ||
  kind === K.RegularExpressionLiteral ||
  kind === K.NoSubstitutionTemplateLiteral ||
  kind === K.TemplateTail;
const isCloser = (kind: TS.SyntaxKind) =>
  kind === K.CloseParenToken || kind === K.CloseBracketToken || kind === K.CloseBraceToken;

/** Whether an expression can end with this token (so a line break after it may end the statement). */
const endsExpression = (kind: TS.SyntaxKind | undefined) =>
  kind !== undefined && (isWord(kind) || isLiteral(kind) || isCloser(kind));

const regexAllowed = (prev: TS.SyntaxKind | undefined) =>
  prev === undefined || BEFORE_REGEX.has(prev) || !(isWord(prev) || isLiteral(prev) || isCloser(prev));

/** Whether a type can end with this token: a `{` after it opens the function body, not an object type. */
const endsType = (kind: TS.SyntaxKind | undefined) =>
  kind !== undefined &&
  ((isWord(kind) && !TYPE_OPERATORS.has(kind)) ||
    isLiteral(kind) ||
    isCloser(kind) ||
    kind === K.GreaterThanToken);

/** The closing token of each opening bracket. */
const CLOSERS = new Map<TS.SyntaxKind, TS.SyntaxKind>([
  [K.OpenBraceToken, K.CloseBraceToken],
  [K.OpenParenToken, K.CloseParenToken],
  [K.OpenBracketToken, K.CloseBracketToken],
]);

/** Counts a head's `<` and `>` (type parameters); true when the token was one of them. */
function angle(f: Frame, kind: TS.SyntaxKind): boolean {
  if (kind === K.LessThanToken) f.angles++;
  else if (kind === K.GreaterThanToken) f.angles = Math.max(0, f.angles - 1);
  else return false;
  return true;
}

/**
 * Where a module, namespace or class body stands in the statement or member it is reading:
 * - `start`: between statements (members);
 * - `head`: after `function` (or a member's name), before its parameters;
 * - `params`: just after the parameters' `)`;
 * - `returns`: in the return type after them;
 * - `init`: in a value after `=`; `group` and `ident` just after a `(…)` or a name there (an arrow's
 *   parameters, if `=>` follows); `arrowReturns` in an arrow's return type; `arrow` just after `=>`;
 * - `typed`: in a value that holds a type (`as`, `satisfies`, `<…>`): nothing more is blanked in it;
 * - `classHead`, `namespaceHead`, `typeAlias`, `skip`: in a class or namespace heading, a type alias,
 *   or another declaration, until a body opens or the statement ends.
 */
type State =
  | 'start'
  | 'head'
  | 'params'
  | 'returns'
  | 'init'
  | 'group'
  | 'ident'
  | 'arrowReturns'
  | 'arrow'
  | 'typed'
  | 'classHead'
  | 'namespaceHead'
  | 'maybeType'
  | 'typeAlias'
  | 'skip';

interface Frame {
  /** `statements` (module, namespace) and `class` bodies are read; the others only matched. */
  level: 'statements' | 'class' | 'body' | 'other' | 'template';
  closer: TS.SyntaxKind;
  state: State;
  /** `<` depth in a head (type parameters), so a `(` there is not the parameter list. */
  angles: number;
  /** Where this frame's reader goes back to after a function body it opened: a value continues. */
  after: State;
  /** For a blanked body: where its inside starts (-1 for other frames). */
  from: number;
  /** What the frame's own `(`/`{` means to its parent when it closes. */
  onClose: State | undefined;
}

const frame = (level: Frame['level'], closer: TS.SyntaxKind, onClose?: State, from = -1): Frame => ({
  level,
  closer,
  state: 'start',
  angles: 0,
  after: 'start',
  from,
  onClose,
});

/** The file with its function bodies blanked (see above); undefined when the scan lost its way. */
export function outlineScript(text: string): Outline | undefined {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const stack: Frame[] = [frame('statements', K.EndOfFileToken)];
  const blanked: [number, number][] = [];
  const statements: Statement[] = [];
  /** The statement being read, its lead so far (keywords before a name) and whether it declares. */
  let current: Statement | undefined;
  let lead = true;
  let declares = false;
  let expectName = false;
  /** Ends the statement being read: at `end`, or where its last token ended. */
  const endStatement = (end?: number) => {
    if (current) statements.push(end === undefined ? current : { ...current, end });
    current = undefined;
  };
  let prev: TS.SyntaxKind | undefined;
  for (;;) {
    // The token before this one is the statement's last so far.
    if (current) current.end = scanner.getTokenEnd();
    let kind = scanner.scan();
    if (kind === K.EndOfFileToken) break;
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && regexAllowed(prev))
      kind = scanner.reScanSlashToken();
    const top = stack[stack.length - 1]!;
    if (kind === K.CloseBraceToken && top.level === 'template') {
      kind = scanner.reScanTemplateToken(false);
      if (kind === K.TemplateTail) stack.pop();
      prev = kind;
      continue;
    }
    if (kind === K.CloseBraceToken || kind === K.CloseParenToken || kind === K.CloseBracketToken) {
      if (top.closer !== kind || stack.length === 1) return undefined;
      stack.pop();
      const parent = stack[stack.length - 1]!;
      if (top.from !== -1) {
        blanked.push([top.from, scanner.getTokenStart()]);
        parent.state = parent.after;
        parent.after = 'start';
      } else if (top.onClose) parent.state = top.onClose;
      // A declaration ends with its body (a function's, a class's, a namespace's).
      if (stack.length === 1 && parent.state === 'start' && top.level !== 'other')
        endStatement(scanner.getTokenEnd());
      prev = kind;
      continue;
    }
    if (kind === K.TemplateHead) {
      stack.push(frame('template', K.CloseBraceToken));
      prev = kind;
      continue;
    }
    if (top.level === 'statements' || top.level === 'class') step(top, kind);
    else openOther(kind);
    prev = kind;
  }
  if (stack.length !== 1) return undefined;
  endStatement();
  return { source: text, blanked, statements };

  function open(level: Frame['level'], closer: TS.SyntaxKind, onClose?: State) {
    stack.push(frame(level, closer, onClose));
  }

  /** Opens a frame that is only matched, when the token is a `{`, `(` or `[`. */
  function openOther(kind: TS.SyntaxKind, onClose?: State) {
    const closer = CLOSERS.get(kind);
    if (closer !== undefined) open('other', closer, onClose);
  }

  /** Opens a body to blank; a function expression's value goes on after it, a declaration ends there. */
  function body(f: Frame, after: State = f.after === 'init' ? 'init' : 'start') {
    f.after = after;
    stack.push(frame('body', K.CloseBraceToken, undefined, scanner.getTokenEnd()));
  }

  /** The module's statements: where each starts and ends, and the name a declaration gives. */
  function track(kind: TS.SyntaxKind) {
    if (!current) {
      current = { start: scanner.getTokenStart(), end: scanner.getTokenEnd(), declaration: false, names: [] };
      lead = true;
      declares = false;
      expectName = false;
      if (kind === K.ImportKeyword) current.import = true;
    }
    const name = kind === K.Identifier && expectName;
    if (name) current.names.push(scanner.getTokenValue());
    if (DECLARES.has(kind)) expectName = true;
    else if (kind !== K.AsteriskToken) expectName = false;
    if (!lead) return;
    if (DECLARATION_LEAD.has(kind)) declares ||= DECLARES.has(kind);
    else {
      current.declaration = name && declares;
      lead = false;
    }
  }

  /** One token read at a module, namespace or class level. */
  function step(f: Frame, kind: TS.SyntaxKind) {
    const klass = f.level === 'class';
    const module = f === stack[0];
    // A line break before a word, after something an expression can end with, ends the statement.
    // `export` starts one whatever came before (a type may end in `>`).
    if (
      scanner.hasPrecedingLineBreak() &&
      isWord(kind) &&
      !CONTINUING.has(kind) &&
      (endsExpression(prev) || kind === K.ExportKeyword) &&
      f.state !== 'classHead' &&
      f.state !== 'namespaceHead'
    ) {
      f.state = 'start';
      f.after = 'start';
      if (module) endStatement();
    }
    if (module) track(kind);
    if (kind === K.SemicolonToken) {
      f.state = 'start';
      f.after = 'start';
      if (module) endStatement(scanner.getTokenEnd());
      return;
    }
    switch (f.state) {
      case 'start':
      case 'skip':
        if (kind === K.EqualsToken) f.state = 'init';
        else if (f.state === 'skip') break;
        else if (kind === K.FunctionKeyword) f.state = 'head';
        else if (kind === K.ClassKeyword) f.state = 'classHead';
        else if (
          !klass &&
          (kind === K.NamespaceKeyword ||
            kind === K.ModuleKeyword ||
            (kind === K.GlobalKeyword && prev === K.DeclareKeyword))
        )
          f.state = 'namespaceHead';
        else if (!klass && kind === K.TypeKeyword) f.state = 'maybeType';
        else if (kind === K.InterfaceKeyword || kind === K.EnumKeyword) f.state = 'skip';
        else if (klass && (isWord(kind) || kind === K.StringLiteral || kind === K.NumericLiteral))
          f.state = 'head';
        else if (klass && kind === K.OpenBracketToken) {
          f.state = 'head';
          open('other', K.CloseBracketToken, 'head');
          return;
        }
        break;
      case 'maybeType':
        f.state = isWord(kind) ? 'typeAlias' : 'start';
        break;
      case 'typeAlias':
        break;
      case 'head':
        if (angle(f, kind)) break;
        if (kind === K.OpenParenToken && f.angles === 0) {
          open('other', K.CloseParenToken, 'params');
          return;
        } else if (f.angles === 0 && klass && kind === K.ColonToken) f.state = 'skip';
        else if (f.angles === 0 && kind === K.EqualsToken) f.state = 'init';
        break;
      case 'params':
        if (kind === K.OpenBraceToken) return body(f);
        if (kind === K.ColonToken) f.state = 'returns';
        else if (klass && (isWord(kind) || kind === K.AtToken)) f.state = 'head';
        else f.state = 'skip';
        break;
      case 'returns':
        if (kind === K.OpenBraceToken && endsType(prev)) return body(f);
        break;
      case 'init':
      case 'group':
      case 'ident':
      case 'arrow':
        initStep(f, kind);
        return;
      case 'arrowReturns':
        if (kind === K.EqualsGreaterThanToken) f.state = 'arrow';
        else if (kind === K.OpenParenToken) f.state = 'typed';
        break;
      case 'typed':
        break;
      case 'classHead':
        if (angle(f, kind)) break;
        if (kind === K.OpenBraceToken && f.angles === 0) {
          // A class expression's value goes on after its body; a declaration ends there.
          f.state = f.after === 'init' ? 'init' : 'start';
          f.after = 'start';
          open('class', K.CloseBraceToken);
          return;
        }
        break;
      case 'namespaceHead':
        if (kind === K.OpenBraceToken) {
          f.state = 'start';
          open('statements', K.CloseBraceToken);
          return;
        }
        if (!(isWord(kind) || kind === K.DotToken || kind === K.StringLiteral)) f.state = 'skip';
        break;
    }
    openOther(kind);
  }

  /** A token of a value: an arrow function's body is blanked when its `=>` and `{` stand here. */
  function initStep(f: Frame, kind: TS.SyntaxKind) {
    if (f.state === 'arrow') {
      if (kind === K.OpenBraceToken) return body(f, 'init');
      f.state = 'init';
    }
    if (f.state === 'group' || f.state === 'ident') {
      const was = f.state;
      f.state = 'init';
      if (kind === K.EqualsGreaterThanToken) {
        f.state = 'arrow';
        return;
      }
      if (kind === K.ColonToken && was === 'group') {
        f.state = 'arrowReturns';
        return;
      }
    }
    if (kind === K.AsKeyword || kind === K.SatisfiesKeyword || kind === K.LessThanToken) f.state = 'typed';
    else if (kind === K.FunctionKeyword) {
      f.state = 'head';
      f.after = 'init';
    } else if (kind === K.ClassKeyword) {
      f.state = 'classHead';
      f.after = 'init';
    } else if (kind === K.Identifier || kind === K.AsyncKeyword) f.state = 'ident';
    // A `(…)` in a value may be an arrow's parameters: `group` tells what follows it.
    else openOther(kind, kind === K.OpenParenToken ? 'group' : undefined);
  }
}

/**
 * The outline as the parser reads it: each blanked body and dropped statement cut down to its line
 * breaks (runs of anything else between them become one space), so every line stays the line it is
 * in the file while the parser skips no blanks: TypeScript's scanner takes about 25 ns for each
 * character of whitespace, half the parse of an outline that kept every position. `bodies` are the
 * blanked ranges where they stand in `text`.
 */
export function outlineText(outline: Outline): { text: string; bodies: [number, number][] } {
  const { source, blanked } = outline;
  const dropped = outline.dropped ?? [];
  const parts: string[] = [];
  const bodies: [number, number][] = [];
  let length = 0;
  let at = 0;
  const cut = (start: number, end: number) => {
    const kept = source.slice(at, start);
    const inside = source.slice(start, end).replace(/[^\r\n\u2028\u2029]+/g, ' ');
    parts.push(kept, inside);
    length += kept.length;
    at = end;
    const range: [number, number] = [length, length + inside.length];
    length += inside.length;
    return range;
  };
  // Both lists are in file order, and no body lies in a dropped statement (keepTouchedStatements).
  for (let b = 0, d = 0; b < blanked.length || d < dropped.length; ) {
    if (d < dropped.length && (b === blanked.length || dropped[d]![0] < blanked[b]![0])) {
      const [start, end] = dropped[d++]!;
      cut(start, end);
    } else {
      const [start, end] = blanked[b++]!;
      bodies.push(cut(start, end));
    }
  }
  if (at === 0) return { text: source, bodies };
  parts.push(source.slice(at));
  return { text: parts.join(''), bodies };
}

/** Whether each blanked range is, in the parse of the outline, the inside of a function's body. */
function bodiesHold(sf: TS.SourceFile, blanked: readonly [number, number][]): boolean {
  const bodies = new Map<number, number>();
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body && ts.isBlock(node.body))
      bodies.set(node.body.getStart(sf), node.body.end);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return blanked.every(([start, end]) => bodies.get(start - 1) === end + 1);
}

/** Whether the outline reads this file: TypeScript and JavaScript, not JSX (its markup is not the scanner's). */
export const outlines = (fileName: string) => /\.[cm]?[jt]s$/i.test(fileName);

/**
 * The parse of an outline when it parses cleanly and every blanked range is a function body in it;
 * undefined otherwise (the caller parses the file as written).
 */
export function parseChecked(
  outline: Outline,
  parse: (text: string) => TS.SourceFile,
): TS.SourceFile | undefined {
  const { text, bodies } = outlineText(outline);
  const sf = parse(text);
  const diagnostics = (sf as TS.SourceFile & { parseDiagnostics?: readonly unknown[] }).parseDiagnostics;
  return diagnostics?.length === 0 && bodiesHold(sf, bodies) ? sf : undefined;
}

/**
 * A TS/JS file parsed for its declarations: the parse of its outline (made here unless given) when
 * that checks out (parseChecked), else the parse of the file as written.
 */
export function parseOutline(
  fileName: string,
  text: string,
  parse: (text: string) => TS.SourceFile,
  /** Made here when undefined; null when the scan already lost its way. */
  given?: Outline | null,
) {
  const outline = given === undefined ? (outlines(fileName) ? outlineScript(text) : undefined) : given;
  return (outline && outline.blanked.length > 0 && parseChecked(outline, parse)) || parse(text);
}

/** Lines (1-based) of each statement's first and last character. */
function lineSpans(text: string, statements: readonly Statement[]) {
  let line = 1;
  // Just past the last line break counted; offsets are asked in file order.
  let at = 0;
  const lineAt = (offset: number) => {
    for (let nl = text.indexOf('\n', at); nl !== -1 && nl < offset; nl = text.indexOf('\n', at)) {
      line++;
      at = nl + 1;
    }
    return line;
  };
  return statements.map((s) => ({
    startLine: lineAt(s.start),
    endLine: lineAt(Math.max(s.start, s.end - 1)),
  }));
}

const IDENTIFIERS = /[A-Za-z_$][\w$]*/g;

/** A statement's text with the insides of its blanked bodies left out: what its outline reads. */
function outsideBodies(outline: Outline): (s: Statement) => string {
  const { source, blanked } = outline;
  let b = 0;
  // Statements are asked in file order.
  return (s) => {
    while (b < blanked.length && blanked[b]![0] < s.start) b++;
    const parts: string[] = [];
    let at = s.start;
    for (let i = b; i < blanked.length && blanked[i]![0] < s.end; i++) {
      parts.push(source.slice(at, blanked[i]![0]));
      at = blanked[i]![1];
    }
    parts.push(source.slice(at, s.end));
    return parts.join('');
  };
}

/** The outline with only the statements `keep` marks: the others are dropped, with their bodies. */
function keepOnly(outline: Outline, keep: readonly boolean[]): Outline {
  const drop = outline.statements.filter((_, k) => !keep[k]);
  let k = 0;
  const blanked = outline.blanked.filter(([start]) => {
    while (k < drop.length && drop[k]!.end <= start) k++;
    return !(k < drop.length && drop[k]!.start <= start);
  });
  return { ...outline, blanked, dropped: drop.map((s) => [s.start, s.end] as const) };
}

/** Both sides of a module cut for comparing their APIs (keepTouchedStatements). */
export interface Cut {
  from: Outline;
  to: Outline;
  /**
   * The statements that changed inside their bodies alone, from the `from` side: read the same on
   * both sides, they are left out of both, and parsed here once only so their bodies are checked.
   */
  unchanged?: Outline;
}

/**
 * Both sides of a changed module cut to the statements its API can differ in: a declaration (or an
 * import) no changed line touches is left out, and so is a pair of them, one on each side, that
 * reads the same once their bodies are blanked (a change inside bodies alone), unless a kept
 * statement on either side declares one of its names (overloads, merged interfaces and namespaces
 * come as several statements) or mentions it (`export { load }`, `module.exports = { load }`: kept
 * whatever they are). Every other statement stays. Left-out statements are cut down to their line
 * breaks like bodies, so what is kept stands at its own lines. Undefined when nothing can be left out.
 */
export function keepTouchedStatements(
  sides: readonly [
    { outline: Outline; touched: readonly number[] },
    { outline: Outline; touched: readonly number[] },
  ],
): Cut | undefined {
  const read = sides.map(({ outline, touched }) => {
    const spans = lineSpans(outline.source, outline.statements);
    return outline.statements.map((s, k) => ({ s, touched: touches(spans[k]!, touched) }));
  });
  const kept = read.map((statements) =>
    statements.map(({ s, touched }) => touched || !(s.import || s.declaration)),
  );
  // Touched declarations that read the same on both sides, paired in file order.
  const shapes = read.map((statements, side) => {
    const shape = outsideBodies(sides[side]!.outline);
    return statements.map(({ s, touched }) =>
      touched && (s.import || s.declaration) ? shape(s) : undefined,
    );
  });
  const waiting = new Map<string, number[]>();
  shapes[1]!.forEach((shape, k) => {
    if (shape !== undefined) getOrCreate(waiting, shape, () => []).push(k);
  });
  const same: [number, number][] = [];
  shapes[0]!.forEach((shape, k) => {
    const other = shape === undefined ? undefined : waiting.get(shape)?.shift();
    if (other === undefined) return;
    same.push([k, other]);
    kept[0]![k] = kept[1]![other] = false;
  });
  // Names the kept statements declare or mention; a statement that declares one of them is kept
  // too, and so on, so the two sides keep the same declarations however the scan cut them.
  const names = new Set<string>();
  const keep = (side: number, k: number) => {
    kept[side]![k] = true;
    for (const n of read[side]![k]!.s.names) names.add(n);
  };
  read.forEach((statements, side) => {
    statements.forEach(({ s }, k) => {
      if (!kept[side]![k]) return;
      keep(side, k);
      if (!s.declaration && !s.import)
        for (const m of sides[side]!.outline.source.slice(s.start, s.end).matchAll(IDENTIFIERS))
          names.add(m[0]);
    });
  });
  for (let grew = true; grew; ) {
    grew = false;
    for (const [side, statements] of read.entries()) {
      statements.forEach(({ s }, k) => {
        if (kept[side]![k] || !s.names.some((n) => names.has(n))) return;
        keep(side, k);
        grew = true;
      });
    }
    // A pair that reads the same goes or stays as one.
    for (const [a, b] of same) {
      if (kept[0]![a] === kept[1]![b]) continue;
      keep(0, a);
      keep(1, b);
      grew = true;
    }
  }
  if (kept.every((side) => side.every(Boolean))) return undefined;
  const unchanged = read[0]!.map(() => false);
  for (const [a] of same) if (!kept[0]![a]) unchanged[a] = true;
  return {
    from: keepOnly(sides[0].outline, kept[0]!),
    to: keepOnly(sides[1].outline, kept[1]!),
    ...(unchanged.some(Boolean) ? { unchanged: keepOnly(sides[0].outline, unchanged) } : {}),
  };
}
