import { CryptoModule } from '../crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit';
import { OrdersModule } from '../orders/orders.module';
import { TenantsModule } from '../tenants';
import { AccessGuard } from './access.guard';
import { AuditController } from './audit-log.controller';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthFailuresRepository } from './auth-failures.repository';
import { AuthThrottle } from './auth-throttle.service';
import { GrantsController } from './grants.controller';
import { GrantsRepository } from './grants.repository';
import { GrantsService } from './grants.service';
import { OwnKeysController } from './own-keys.controller';
import { RevealController } from './reveal.controller';
import { RevealService } from './reveal.service';
import { StaffController } from './staff.controller';
import { StaffRepository } from './staff.repository';
import { StaffService } from './staff.service';
import { PersonAccountsRepository } from './people/person-accounts.repository';
import { PersonEnrolmentService } from './people/person-enrolment.service';
import { PersonSessionsRepository } from './people/person-sessions.repository';
import { PersonSessionsService } from './people/person-sessions.service';
import { SignInService } from './people/sign-in.service';
import { PersonInvitationsRepository } from './people/person-invitations.repository';
import { PasskeysService } from './people/passkeys.service';
import { PersonPasskeysRepository } from './people/person-passkeys.repository';
import { WebAuthnChallengesRepository } from './people/webauthn-challenges.repository';
import { OwnPasskeysController } from './own-passkeys.controller';
import { SellerUsersService } from './people/seller-users.service';
import { UsersController } from './users.controller';
import { AccessRequestsController } from './requests/access-requests.controller';
import { AccessRequestsRepository } from './requests/access-requests.repository';
import { AccessRequestsService } from './requests/access-requests.service';

/**
 * Who may do what: API keys for sellers and staff, the default-deny guard on
 * every route, support grants, the audited reveal of buyer data, and the HTTP
 * surface of the access log. The route decorators and request types it
 * enforces live in auth/.
 */
@Module({
  imports: [AuditModule, OrdersModule, TenantsModule, CryptoModule],
  controllers: [
    ApiKeysController,
    OwnKeysController,
    StaffController,
    GrantsController,
    AccessRequestsController,
    RevealController,
    AuditController,
    UsersController,
    OwnPasskeysController,
  ],
  providers: [
    ApiKeysRepository,
    StaffRepository,
    GrantsRepository,
    AuthFailuresRepository,
    AuthThrottle,
    ApiKeysService,
    StaffService,
    GrantsService,
    AccessRequestsRepository,
    AccessRequestsService,
    RevealService,
    AccessGuard,
    { provide: APP_GUARD, useExisting: AccessGuard },
    // People in the browser console: accounts, sign-in, sessions (access/people/).
    PersonAccountsRepository,
    PersonSessionsRepository,
    PersonSessionsService,
    SignInService,
    PersonEnrolmentService,
    PersonInvitationsRepository,
    SellerUsersService,
    PersonPasskeysRepository,
    WebAuthnChallengesRepository,
    PasskeysService,
  ],
  exports: [
    ApiKeysService,
    StaffService,
    GrantsService,
    AccessRequestsService,
    RevealService,
    PersonSessionsService,
    SignInService,
    PersonEnrolmentService,
    SellerUsersService,
    PasskeysService,
  ],
})
export class AccessModule {}
