/** The raw environment (as load-config reads it). */
type Env = Readonly<Record<string, string | undefined>>;

const TRUE = new Set(['true', '1', 'yes']);
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The relay settings that cannot be judged one variable at a time (the URL's own shape is checked where it is
 * parsed). Never quotes the URL: it may carry the relay's password.
 */
export function smtpProblems(env: Env): string[] {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return [];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return []; // reported by the field's own check
  }
  const problems: string[] = [];
  const plaintext = TRUE.has((env.SMTP_ALLOW_PLAINTEXT ?? '').trim());
  if (url.username && !url.password) {
    problems.push(
      'SMTP_URL: names a user but no password (smtp://user:password@host); omit both for a relay without login',
    );
  }
  if (!url.username && url.password) problems.push('SMTP_URL: has a password but no user');
  if (plaintext && url.protocol === 'smtps:') {
    problems.push('SMTP_ALLOW_PLAINTEXT: contradicts smtps:// (TLS from the first byte); drop one of them');
  }
  if (plaintext && env.NODE_ENV === 'production' && !LOOPBACK.test(url.hostname)) {
    problems.push(
      'SMTP_ALLOW_PLAINTEXT: production sends in clear only to a relay on this host (localhost, 127.0.0.1, [::1]); ' +
        'use STARTTLS or smtps:// for any other',
    );
  }
  return problems;
}
