/**
 * The last few parses, by name and source text: every rule sees a changed file in turn, so each side
 * of it is parsed once and the rules after the first take the result. A handful of entries is enough
 * (the rules finish one file before the next); texts over `maxChars` are not kept (memory).
 */
export function recentParses<T>(entries = 6, maxChars = 4_000_000) {
  let recent: { name: string; text: string; value: T }[] = [];
  return (name: string, text: string, parse: () => T): T => {
    if (text.length > maxChars) return parse();
    // The reader hands out one string per file side, so `===` is mostly a pointer check.
    const hit = recent.find((e) => e.name === name && e.text === text);
    if (hit) return hit.value;
    const value = parse();
    recent = [{ name, text, value }, ...recent.slice(0, entries - 1)];
    return value;
  };
}
