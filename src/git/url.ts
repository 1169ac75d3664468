/** A URL (or a message holding URLs) fit for output and artifacts: `user:password@` parts become `***@`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
