/**
 * Every TypeORM entity of the product, in one list for the data source and the
 * migration tooling. Each feature module owns its own entities; this file only
 * gathers them (as the app module gathers modules).
 */
import { ApiKey } from './access/api-key.entity';
import { AuthFailure } from './access/auth-failure.entity';
import { StaffMember } from './access/staff-member.entity';
import { SupportGrant } from './access/support-grant.entity';
import { AccessRequest } from './access/requests/access-request.entity';
import { AuditChainHead } from './audit/audit-chain-head.entity';
import { AuditCheckpoint } from './audit/audit-checkpoint.entity';
import { AuditEntry } from './audit/audit-entry.entity';
import { MarketplaceConnection } from './connections/connection.entity';
import { OAuthStateUse } from './connections/oauth/oauth-state-use.entity';
import { DataKey } from './crypto/data-key.entity';
import { WebhookEndpoint } from './delivery/endpoints/endpoint.entity';
import { Delivery } from './delivery/dispatch/delivery.entity';
import { DeliveryAttempt } from './delivery/dispatch/delivery-attempt.entity';
import { DeliveryReplay } from './delivery/replay/delivery-replay.entity';
import { SigningKey } from './crypto/signing-key.entity';
import { TenantIndexKey } from './crypto/tenant-index-key.entity';
import { TenantKey } from './crypto/tenant-key.entity';
import { Order } from './orders/order.entity';
import { OutboxEvent } from './orders/outbox-event.entity';
import { EventFeedEntry, EventFeedHead } from './orders/event-feed.entity';
import { Job } from './platform/jobs/job.entity';
import { DeadLetter } from './sync/dead-letter.entity';
import { RateBudget } from './sync/rate-budget.entity';
import { SyncState } from './sync/sync-state.entity';
import { Tenant } from './tenants/tenant.entity';
import { RetentionPolicy } from './retention/retention-policy.entity';
import { DataSubjectRequest } from './rights/data-subject-request.entity';
import { TenantOffboarding } from './rights/offboarding/tenant-offboarding.entity';
import { LegalHold } from './retention/legal-hold.entity';
import { PersonAccount } from './access/people/person-account.entity';
import { PersonSession } from './access/people/person-session.entity';
import { EbayDeletionNotification } from './rights/ebay-deletion/ebay-deletion-notification.entity';
import { EbayDeletionTarget } from './rights/ebay-deletion/ebay-deletion-target.entity';
import { PersonInvitation } from './access/people/person-invitation.entity';
import { PersonPasskey } from './access/people/person-passkey.entity';
import { WebAuthnChallenge } from './access/people/webauthn-challenge.entity';

export const ALL_ENTITIES: Function[] = [
  AccessRequest,
  Tenant,
  TenantKey,
  TenantIndexKey,
  DataKey,
  MarketplaceConnection,
  OAuthStateUse,
  Job,
  SyncState,
  RateBudget,
  DeadLetter,
  Order,
  OutboxEvent,
  EventFeedEntry,
  EventFeedHead,
  SigningKey,
  StaffMember,
  ApiKey,
  SupportGrant,
  AuthFailure,
  AuditEntry,
  AuditChainHead,
  AuditCheckpoint,
  RetentionPolicy,
  LegalHold,
  PersonAccount,
  PersonSession,
  PersonInvitation,
  PersonPasskey,
  WebAuthnChallenge,
  WebhookEndpoint,
  EbayDeletionNotification,
  EbayDeletionTarget,
  DataSubjectRequest,
  TenantOffboarding,
  Delivery,
  DeliveryAttempt,
  DeliveryReplay,
];
