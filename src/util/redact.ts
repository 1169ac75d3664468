/**
 * The one redaction of secrets in text release-watch prints or stores: URL userinfo
 * (`https://x-access-token:TOKEN@host/…`), token-like query parameters (`?access_token=…`), and every
 * known secret value wherever it appears (the GitHub token and other credential-named variables of
 * the environment, and credentials taken out of configured URLs), so a token an upstream echoes back
 * in an error message is hidden too.
 */

const MASK = '***';
/** Userinfo of any `scheme://` URL: `user:password@` or a bare `token@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s'"<>]+@/gi;
/** A query parameter's name that says it carries a credential (`access_token`, `sig`, `auth`). */
export const SECRET_PARAM_NAME =
  /^(?:[a-z0-9_.-]*(?:token|key|secret|password|passwd|pwd|signature|sig|credentials?)|auth|authorization)$/i;
/** Such parameters in text, with their values. */
const SECRET_QUERY = new RegExp(`([?&;](?:${SECRET_PARAM_NAME.source.slice(1, -1)})=)[^&#\\s'"<>]+`, 'gi');
/** Environment variables whose value is a secret by their name. */
const SECRET_ENV = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|CREDENTIALS?|AUTH)$/i;
/** Shorter values are too likely to occur in ordinary text to be replaced everywhere. */
const MIN_SECRET_LENGTH = 6;

const registered = new Set<string>();

/** A secret found at run time (a password in a clone URL): hidden from every later output. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

function knownSecrets(env: NodeJS.ProcessEnv): string[] {
  const values = new Set(registered);
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_ENV.test(name)) values.add(value);
  }
  // Longest first, so a secret that contains another is hidden whole.
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return redactWith(text, knownSecrets(env));
}

function redactWith(text: string, secrets: readonly string[]): string {
  let out = text.replace(USERINFO, `$1${MASK}@`).replace(SECRET_QUERY, `$1${MASK}`);
  for (const secret of secrets) {
    out = out.replaceAll(secret, MASK);
    // Also as it appears percent-encoded inside a URL.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replaceAll(encoded, MASK);
  }
  return out;
}

/** Every string inside a JSON-like value, redacted (for `--json` output and error details). */
export function redactDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  // The secrets are listed once for the whole tree, not once per string.
  const secrets = knownSecrets(env);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactWith(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, walk(v)]));
    }
    return item;
  };
  return walk(value) as T;
}
