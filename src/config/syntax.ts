import { readFile } from 'node:fs/promises';

const CODE_CONFIG = /\.(?:[cm]?[jt]s)$/;

/** `file:line:column`, 1-based, for an offset into `text`. */
function where(file: string, text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${file}:${line}:${column}`;
}

/**
 * The first syntax error of a config file as `file:line:column: message`, found with a parser
 * (TypeScript's for TS/JS configs, JSON.parse for JSON ones), or undefined when it parses. The loaders'
 * own messages often lose the location (`JSON Error in …:` ends with a code frame, Node's SyntaxError
 * from import() has none), so the file is parsed again here, only once loading has failed.
 */
export async function configSyntaxError(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  if (file.endsWith('.json') || !CODE_CONFIG.test(file)) {
    if (!file.endsWith('.json')) return undefined;
    try {
      JSON.parse(text);
      return undefined;
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      const offset = position ? Number(position[1]) : text.length;
      return `${where(file, text, offset)}: ${message.replace(/\s*(?:in JSON )?at position \d+.*$/s, '')}`;
    }
  }
  // Loaded only on this failure path: TypeScript is large, and a config that loads never needs it.
  const { default: ts } = await import('typescript');
  const output = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { allowJs: true, noEmit: true },
  });
  const diagnostic = output.diagnostics?.find((d) => d.start !== undefined);
  if (!diagnostic) return undefined;
  return `${where(file, text, diagnostic.start!)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
}
