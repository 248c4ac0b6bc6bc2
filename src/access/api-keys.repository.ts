import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transaction-manager';
import { ApiKey } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(ApiKey);
  }

  insert(tx: Tx, key: Partial<ApiKey>): Promise<ApiKey> {
    return this.repo(tx).save(this.repo(tx).create(key));
  }

  findById(keyId: string, tx?: Tx): Promise<ApiKey | null> {
    return this.repo(tx).findOneBy({ keyId });
  }

  listForTenant(tenantId: string): Promise<ApiKey[]> {
    return this.repo().find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  listForStaff(staffId: string): Promise<ApiKey[]> {
    return this.repo().find({ where: { staffId }, order: { createdAt: 'ASC' } });
  }

  async revoke(tx: Tx, keyId: string, at: Date): Promise<boolean> {
    const result = await this.repo(tx)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: at })
      .where('key_id = :keyId AND revoked_at IS NULL', { keyId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Records use at most once a minute per key, so authentication rarely writes. */
  async touch(keyId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '60 seconds')`,
      [keyId, at],
    );
  }
}
