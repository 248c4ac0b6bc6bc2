/**
 * Where a sign-in may send the browser afterwards: a console path of ours and
 * nothing else (no other host, no `//host`, no backslash tricks), bounded.
 */
export function safeNext(candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate.length > 1000) return '/console';
  if (!/^\/console(?:[/?#]|$)/.test(candidate)) return '/console';
  if (/[\\\s]/.test(candidate) || candidate.startsWith('//')) return '/console';
  return candidate;
}
