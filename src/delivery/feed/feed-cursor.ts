import { validationFailed } from '../../platform/errors/domain-error';

/**
 * A feed cursor: opaque to consumers, `ev1.<tenant tag>.<position>` in base64url. The
 * tag (the tenant id's first eight hex digits) catches a cursor carried over from
 * another seller's feed, which would otherwise skip or repeat events silently.
 */
const PATTERN = /^ev1\.([0-9a-f]{8})\.(0|[1-9][0-9]{0,18})$/;
const MAX_POSITION = 2n ** 63n - 1n;

const tagOf = (tenantId: string) => tenantId.replace(/-/g, '').slice(0, 8).toLowerCase();

export function encodeFeedCursor(tenantId: string, position: string): string {
  return Buffer.from(`ev1.${tagOf(tenantId)}.${position}`).toString('base64url');
}

const invalid = (issue: string) => validationFailed(`after: ${issue}`, [{ field: 'after', issue }]);

/** The position a cursor stands for, or a 400 naming what is wrong with it. */
export function decodeFeedCursor(tenantId: string, cursor: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(cursor)) throw invalid('not a cursor this feed issued');
  const m = PATTERN.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!m || BigInt(m[2]) > MAX_POSITION) throw invalid('not a cursor this feed issued');
  if (m[1] !== tagOf(tenantId)) throw invalid('this cursor belongs to another seller’s feed');
  return m[2];
}
