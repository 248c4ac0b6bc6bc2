import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditModule } from '../audit';
import { OrdersModule } from '../orders/orders.module';
import { AssetsController } from './assets.controller';
import { AuditLogPageController } from './audit-log-page.controller';
import { AuditVerificationPageController } from './audit-verification-page.controller';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsoleHeadersInterceptor } from './console-controller';
import { HomeController } from './home.controller';
import { SignInController } from './sign-in.controller';
import { UsersPageController } from './users-page.controller';
import { InvitationPageController } from './invitation-page.controller';
import { OrdersPageController } from './orders-page.controller';
import { StaffAccessPageController } from './staff-access-page.controller';
import { AccessRequestsPageController } from './access-requests-page.controller';
import { PasskeysPageController } from './passkeys-page.controller';
import { PasskeySignInController } from './passkey-sign-in.controller';
import { ApiKeysPageController } from './api-keys-page.controller';
import { EndpointsPageController } from './endpoints-page.controller';
import { DeliveriesPageController } from './deliveries-page.controller';
import { DeliveryModule } from '../delivery/delivery.module';
import { ConnectionsModule } from '../connections/connections.module';
import { SyncModule } from '../sync/sync.module';
import { AccountsPageController } from './accounts-page.controller';
import { DeadLettersPageController } from './dead-letters-page.controller';
import { RetentionModule } from '../retention/retention.module';
import { RetentionPageController } from './retention-page.controller';
import { TenantsModule } from '../tenants';
import { TenantsPageController } from './tenants-page.controller';

/**
 * The browser console: server-rendered pages under /console that parse the
 * request, call the same services as the JSON API behind the same guard and
 * permissions, and render TSX. It owns no data: sign-in and sessions live in
 * access/ (people), everything shown comes from the modules that own it.
 */
@Module({
  imports: [
    AccessModule,
    AuditModule,
    OrdersModule,
    DeliveryModule,
    ConnectionsModule,
    SyncModule,
    RetentionModule,
    TenantsModule,
  ],
  controllers: [
    HomeController,
    SignInController,
    AssetsController,
    AuditLogPageController,
    AuditVerificationPageController,
    UsersPageController,
    InvitationPageController,
    OrdersPageController,
    StaffAccessPageController,
    AccessRequestsPageController,
    PasskeysPageController,
    PasskeySignInController,
    ApiKeysPageController,
    EndpointsPageController,
    DeliveriesPageController,
    AccountsPageController,
    DeadLettersPageController,
    RetentionPageController,
    TenantsPageController,
  ],
  providers: [ConsoleErrorFilter, ConsoleHeadersInterceptor],
})
export class ConsoleModule {}
