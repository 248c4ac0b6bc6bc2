import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../src/config';
import { BlindIndexService, CryptoModule, DataKeyService, MasterKeyring, TenantKeyService } from '../../src/crypto';
import { AppLogger, Clock, ManualClock, TransactionManager } from '../../src/platform';
import { createTestDataSource } from '../support/test-database';
import { newId, silentLogger } from './crypto-fixture';

describe('CryptoModule', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    ({ dataSource, close } = await createTestDataSource());
    dir = mkdtempSync(path.join(os.tmpdir(), 'ov-crypto-module-'));
  });

  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('boots from AppConfig with the platform providers and seals end to end', async () => {
    const keyFile = path.join(dir, 'data', 'master.key');
    // Only the part of AppConfig the crypto module reads.
    const config = { masterKey: { kind: 'generated', path: keyFile } } as unknown as AppConfig;

    @Global()
    @Module({
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: AppLogger, useValue: silentLogger() },
        { provide: Clock, useValue: new ManualClock('2026-03-01T00:00:00Z') },
        { provide: TransactionManager, useValue: new TransactionManager(dataSource) },
      ],
      exports: [APP_CONFIG, AppLogger, Clock, TransactionManager],
    })
    class FakePlatformModule {}

    const app = await Test.createTestingModule({ imports: [FakePlatformModule, CryptoModule] }).compile();
    try {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const keyring = app.get(MasterKeyring);
      const tenantKeys = app.get(TenantKeyService);
      const dataKeys = app.get(DataKeyService);
      const blindIndex = app.get(BlindIndexService);
      expect(keyring.ids()).toHaveLength(1);

      const tenantId = newId();
      const subjectId = newId();
      const transactions = new TransactionManager(dataSource);
      const sealed = await transactions.run(async (tx) => {
        await tenantKeys.provisionTenant(tx, tenantId);
        const keys = await dataKeys.createDataKeys(tx, tenantId, [{ subjectId, purpose: 'connection.credentials' }]);
        return keys.get(subjectId)!.sealJson('connection.credentials', { refreshToken: 'Atzr|abc' });
      });
      const opened = await transactions.run(async (tx) =>
        (await dataKeys.openDataKey(tx, tenantId, subjectId)).openJson('connection.credentials', sealed),
      );
      expect(opened).toEqual({ refreshToken: 'Atzr|abc' });
      expect(await blindIndex.emailIndex(tenantId, 'a@b.c')).toHaveLength(32);
      expect((await tenantKeys.rotateTenant(tenantId)).toVersion).toBe(2);
    } finally {
      await app.close();
    }
  });
});
