import { Injectable } from '@nestjs/common';
import type { ActorContext } from '../auth';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes, conflict, notFound, validationFailed } from '../platform/errors/domain-error';
import { parseInstant } from '../platform/validation/instant';
import { isCleanText } from '../platform/validation/text';
import { isUuid } from '../platform/validation/uuid';
import { SEALED_DATA_UNREADABLE } from './dead-letter.entity';
import { isReplayable, toDeadLetterView, type DeadLetterView } from './dead-letter.mapper';
import { DeadLetterRepository, type DeadLetterState } from './dead-letter.repository';

export interface DeadLetterQuery {
  connectionId?: string;
  marketplace?: string;
  reasonCode?: string;
  /** Default `open`. */
  state?: DeadLetterState;
  cursor?: string;
  limit?: number;
}

export interface DeadLetterPage {
  items: DeadLetterView[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

export const MAX_RESOLUTION_NOTE = 500;

/**
 * Dead letters for the people who look after a seller's sync: list and show (masked, like
 * orders), ask for a replay now, or close one by hand. Nothing here opens a sealed payload.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly clock: Clock,
  ) {}

  /** `onlyOrderIds`: a staff member's grant limited to some orders (which does not cover dead letters). */
  async list(
    tenantId: string,
    query: DeadLetterQuery,
    onlyOrderIds?: readonly string[] | null,
  ): Promise<DeadLetterPage> {
    requireWholeTenant(onlyOrderIds);
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const rows = await this.deadLetters.page(
      tenantId,
      {
        connectionId: query.connectionId,
        marketplace: query.marketplace,
        reasonCode: query.reasonCode,
        state: query.state ?? 'open',
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      },
      limit + 1,
    );
    const items = rows.slice(0, limit).map(toDeadLetterView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { items, nextCursor: encodeCursor(last.firstSeenAt, last.deadLetterId) } : { items };
  }

  async get(tenantId: string, deadLetterId: string, onlyOrderIds?: readonly string[] | null): Promise<DeadLetterView> {
    requireWholeTenant(onlyOrderIds);
    const row = isUuid(deadLetterId) ? await this.deadLetters.findOne(tenantId, deadLetterId) : null;
    if (!row) throw notFound('dead letter');
    return toDeadLetterView(row);
  }

  /**
   * Asks for a replay on the connection's next run, ahead of any backoff and even after replay gave
   * up. Letters with nothing to ask for (no order id) or waiting for a person (unreadable sealed
   * data) cannot be retried; resolved ones need nothing.
   */
  async retry(tenantId: string, deadLetterId: string): Promise<DeadLetterView> {
    const row = isUuid(deadLetterId) ? await this.deadLetters.findOne(tenantId, deadLetterId) : null;
    if (!row) throw notFound('dead letter');
    if (row.resolvedAt) throw conflict(`dead letter is already resolved (${row.resolution})`);
    if (!isReplayable(row)) {
      throw new DomainError(
        ErrorCodes.PRECONDITION_FAILED,
        row.reasonCode === SEALED_DATA_UNREADABLE
          ? "the order's stored buyer data cannot be opened: restore or shred it, then resolve this letter"
          : 'the payload had no marketplace order id, so there is nothing to fetch again; resolve it instead',
      );
    }
    if (!(await this.deadLetters.requestReplay(tenantId, deadLetterId, this.clock.now()))) {
      throw conflict('dead letter was resolved meanwhile');
    }
    return this.get(tenantId, deadLetterId);
  }

  /** Closes an open letter by hand (`dismissed`), naming who and, optionally, why. */
  async resolve(by: ActorContext, tenantId: string, deadLetterId: string, note?: string): Promise<DeadLetterView> {
    const text = note?.trim() || null;
    if (text !== null && (text.length > MAX_RESOLUTION_NOTE || !isCleanText(text))) {
      throw validationFailed(`the note must be at most ${MAX_RESOLUTION_NOTE} printable characters`, [
        { field: 'note', issue: 'invalid' },
      ]);
    }
    const row = isUuid(deadLetterId) ? await this.deadLetters.findOne(tenantId, deadLetterId) : null;
    if (!row) throw notFound('dead letter');
    if (row.resolvedAt) throw conflict(`dead letter is already resolved (${row.resolution})`);
    if (!(await this.deadLetters.dismiss(tenantId, deadLetterId, by.actor.id, text, this.clock.now()))) {
      throw conflict('dead letter was resolved meanwhile');
    }
    return this.get(tenantId, deadLetterId);
  }
}

/**
 * A grant limited to some orders does not cover dead letters: a letter is an order we could not
 * read, so it has no order id such a grant could name.
 */
function requireWholeTenant(onlyOrderIds: readonly string[] | null | undefined): void {
  if (onlyOrderIds) {
    throw new DomainError(
      ErrorCodes.FORBIDDEN,
      "dead letters need a grant covering all of the seller's orders; this one lists some orders only",
    );
  }
}

function encodeCursor(firstSeenAt: Date, deadLetterId: string): string {
  return Buffer.from(`${firstSeenAt.toISOString()}|${deadLetterId}`).toString('base64url');
}

function decodeCursor(cursor: string): { firstSeenAt: Date; deadLetterId: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const firstSeenAt = parseInstant(at ?? '');
  if (!id || !isUuid(id) || !firstSeenAt) {
    throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
  }
  return { firstSeenAt, deadLetterId: id };
}
