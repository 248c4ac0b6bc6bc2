import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config';
import { SigningKeyService } from '../crypto';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { AppLogger } from '../platform/logging/app-logger';
import type { ActorContext } from '../auth';
import { checkpointStatementBytes, compareChainIds, headLeafHash, merkleRoot, type ChainHead } from './audit-hash';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditLog } from './audit-log.service';
import { auditedBy } from './audit-scope';
import { toCheckpointView, type AuditCheckpointView } from './audit.mapper';

/** Consecutive checkpoints are at most this far apart, even when nothing happened ("no access" is attested too). */
export const CHECKPOINT_MAX_INTERVAL_MS = 5 * 60_000;
/** How often each replica's tick looks; a checkpoint is due once the newest is older than max interval − tick. */
export const CHECKPOINT_TICK_MS = 5_000;
/**
 * A new entry is signed once the newest checkpoint is this old: the unsigned tail, which the database owner could
 * cut without `audit verify` noticing, is at most about two ticks long instead of five minutes.
 */
export const CHECKPOINT_FRESH_AFTER_MS = 5_000;
const DUE_AFTER_MS = CHECKPOINT_MAX_INTERVAL_MS - CHECKPOINT_TICK_MS;
const INTERVAL_NAME = 'audit-checkpoint';

/**
 * Signed checkpoints: Ed25519 over (seq, time, chain count, RFC 6962 root of
 * every chain head, leaves sorted by chain id); see audit-hash.ts for the
 * bytes. Written on demand (`write`) and by a tick every five seconds that
 * writes when the log moved since the newest checkpoint (and that one is at
 * least five seconds old), or when the newest is nearly five minutes old, so
 * new entries are signed within seconds and a quiet log is still attested
 * every five minutes. The tick runs on every replica
 * but under `pg_try_advisory_xact_lock` and re-checks the newest checkpoint's
 * age inside the lock, so the cluster writes one checkpoint per period
 * (idempotent: running it twice writes nothing the second time).
 */
@Injectable()
export class AuditCheckpointService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopping = false;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
    private readonly signingKeys: SigningKeyService,
    private readonly audit: AuditLog,
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const handle = setInterval(() => void this.runTick(), CHECKPOINT_TICK_MS);
    this.registry.addInterval(INTERVAL_NAME, handle);
    void this.runTick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    await this.running?.catch(() => undefined);
  }

  /**
   * Writes a checkpoint on request, waiting for any other writer. An
   * `audit.checkpoint.requested` entry is appended first in the same
   * transaction, so the checkpoint attests its own request.
   */
  async write(by: ActorContext): Promise<AuditCheckpointView> {
    return this.transactions.run(async (tx) => {
      await this.checkpoints.lockWriters(tx);
      await this.audit.append(tx, {
        tenantId: null,
        ...auditedBy(by),
        action: 'audit.checkpoint.requested',
        outcome: 'allowed',
      });
      return this.writeLocked(tx);
    });
  }

  /**
   * Writes a checkpoint now, waiting for any other writer, without recording a
   * request: what the scheduled tick does when one is due, forced (demo, tests).
   */
  async writeNow(): Promise<AuditCheckpointView> {
    return this.transactions.run(async (tx) => {
      await this.checkpoints.lockWriters(tx);
      return this.writeLocked(tx);
    });
  }

  /** The scheduled job: writes a checkpoint if one is due and no other replica is writing. Null when not written. */
  async tick(): Promise<AuditCheckpointView | null> {
    return this.transactions.run(async (tx) => {
      if (!(await this.checkpoints.tryLockWriters(tx))) return null;
      const newest = await this.checkpoints.newest(tx);
      const age = newest ? this.clock.nowMs() - newest.createdAt.getTime() : Infinity;
      if (age >= DUE_AFTER_MS) return this.writeLocked(tx);
      if (age < CHECKPOINT_FRESH_AFTER_MS) return null;
      // Sooner when the log moved: any append changes a head, so the root of the heads differs from the newest's.
      const { root } = rootOf(await this.checkpoints.heads(tx));
      return root.equals(newest!.root) ? null : this.writeLocked(tx);
    });
  }

  /** The newest checkpoint, if any. */
  async latest(): Promise<AuditCheckpointView | null> {
    const row = await this.checkpoints.latest();
    return row ? toCheckpointView(row) : null;
  }

  private async runTick(): Promise<void> {
    if (this.stopping || this.running) return;
    const run = this.tick()
      .then((written) => {
        if (written) this.logger.debug('audit checkpoint written', { checkpointSeq: written.checkpointSeq });
      })
      .catch((err) => this.logger.error('audit checkpoint failed', { err }))
      .finally(() => (this.running = null));
    this.running = run;
    await run;
  }

  /** Under the lock: reads every committed head, computes the root, signs and stores. */
  private async writeLocked(tx: Tx): Promise<AuditCheckpointView> {
    const newest = await this.checkpoints.newest(tx);
    const { heads, root } = rootOf(await this.checkpoints.heads(tx));
    const checkpointSeq = String((newest?.seq ?? 0n) + 1n);
    // Never earlier than the previous checkpoint, even if this replica's clock is behind.
    const nowMs = Math.max(this.clock.nowMs(), newest?.createdAt.getTime() ?? 0);
    const createdAt = new Date(nowMs);
    const statement = checkpointStatementBytes({
      checkpointSeq,
      createdAt: createdAt.toISOString(),
      chainCount: heads.length,
      root: root.toString('hex'),
    });
    const { keyId, signature } = await this.signingKeys.sign(tx, 'audit.checkpoint', statement);
    return toCheckpointView(
      await this.checkpoints.insert(tx, { checkpointSeq, createdAt, heads, root, keyId, signature }),
    );
  }
}

/** The chain heads in checkpoint order and their Merkle root. */
function rootOf(rows: Array<{ chain_id: string; last_seq: string; last_hash: Buffer }>): {
  heads: ChainHead[];
  root: Buffer;
} {
  const heads: ChainHead[] = rows
    .map((r) => ({ chainId: r.chain_id, seq: r.last_seq, hash: r.last_hash.toString('hex') }))
    .sort((a, b) => compareChainIds(a.chainId, b.chainId));
  return { heads, root: merkleRoot(heads.map(headLeafHash)) };
}
