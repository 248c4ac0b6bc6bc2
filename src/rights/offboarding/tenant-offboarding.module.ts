import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit';
import { ConnectionsModule } from '../../connections/connections.module';
import { CryptoModule } from '../../crypto';
import { DeliveryModule } from '../../delivery/delivery.module';
import { OrdersModule } from '../../orders';
import { RetentionModule } from '../../retention';
import { SyncModule } from '../../sync/sync.module';
import { TenantsModule } from '../../tenants';
import { TenantOffboardingController } from './tenant-offboarding.controller';
import { TenantOffboardingService } from './tenant-offboarding.service';
import { TenantOffboardingsRepository } from './tenant-offboardings.repository';
import { TenantResidueRepository } from './tenant-residue.repository';

/**
 * A seller's offboarding. Imports the modules that hold the seller's data; sync and delivery also register
 * their holders of order copies and records (dead letters, deliveries), so the order step deletes those too.
 */
@Module({
  imports: [
    AuditModule,
    ConnectionsModule,
    CryptoModule,
    DeliveryModule,
    OrdersModule,
    RetentionModule,
    SyncModule,
    TenantsModule,
  ],
  controllers: [TenantOffboardingController],
  providers: [TenantOffboardingsRepository, TenantResidueRepository, TenantOffboardingService],
  exports: [TenantOffboardingService],
})
export class TenantOffboardingModule {}
