import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A background rectification's corrected values, sealed under the request's own data key until it completes. */
export class DsrSealedCorrections1796700100000 implements MigrationInterface {
  name = 'DsrSealedCorrections1796700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "data_subject_requests" ADD "corrections_ciphertext" bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "data_subject_requests" DROP COLUMN "corrections_ciphertext"`);
  }
}
