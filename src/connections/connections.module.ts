import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { CryptoModule } from '../crypto';
import { MarketplacesModule } from '../marketplaces/marketplaces.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ConnectionsController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { AmazonOAuthService, EbayOAuthService, OAuthConnectController, OAuthStateService } from './oauth';

@Module({
  imports: [CryptoModule, TenantsModule, AuditModule, MarketplacesModule],
  controllers: [ConnectionsController, OAuthConnectController],
  providers: [ConnectionsRepository, ConnectionsService, OAuthStateService, AmazonOAuthService, EbayOAuthService],
  exports: [ConnectionsService, AmazonOAuthService, EbayOAuthService],
})
export class ConnectionsModule {}
