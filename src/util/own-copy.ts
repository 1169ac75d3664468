/**
 * A copy of a string that does not keep its source alive: V8 shares the characters of a substring of
 * 13 or more with its parent, so a path, value or excerpt kept from a megabyte chunk of diff.patch (or
 * from a whole file's text) keeps that chunk in memory for as long as it lives. Anything a rule keeps
 * past the file it came from goes through here.
 */
export const ownCopy = (text: string) =>
  text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
