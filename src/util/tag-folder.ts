/**
 * A tag as one folder name and back: a `/` in a tag (`release/v1`) stays inside one folder as
 * `%2F`. Shared by the artifacts (`<artifacts>/<upstream>/<tag>/`) and the worktrees of the cache.
 */
export const tagFolderName = (tag: string) => tag.replaceAll('/', '%2F');
export const tagOfFolderName = (name: string) => name.replaceAll('%2F', '/');
