/** `1 commit`, `2 commits`: a count with its noun in the right number (plural: noun + "s" unless given). */
export function plural(count: number, noun: string, many = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : many}`;
}
