import { InitialSchema1795613687456 } from './1795613687456-InitialSchema';
import { OAuthStateUses1795615327540 } from './1795615327540-OAuthStateUses';
import { AccessAndAudit1795615657024 } from './1795615657024-AccessAndAudit';
import { SlimWriteIndexes1795619635048 } from './1795619635048-SlimWriteIndexes';
import { DeadLetterReplay1795620684356 } from './1795620684356-DeadLetterReplay';
import { RetentionAnchorAndPolicies1796399664792 } from './1796399664792-RetentionAnchorAndPolicies';
import { WebhookEndpoints1796400567326 } from './1796400567326-WebhookEndpoints';
import { PiiDestruction1796400647000 } from './1796400647000-PiiDestruction';
import { ConsolePeople1796403171726 } from './1796403171726-ConsolePeople';
import { EventFeed1796414235922 } from './1796414235922-EventFeed';
import { OrderAcknowledgement1796414901025 } from './1796414901025-OrderAcknowledgement';
import { EbayAccountDeletion1796414300046 } from './1796414300046-EbayAccountDeletion';
import { DataSubjectRequests1796414786438 } from './1796414786438-DataSubjectRequests';
import { LegalHolds1796415162898 } from './1796415162898-LegalHolds';
import { OrderRecordExpiry1796416507009 } from './1796416507009-OrderRecordExpiry';
import { ConnectionBuyerDataSchedule1796415355698 } from './1796415355698-ConnectionBuyerDataSchedule';
import { PiiOverrides1796416336653 } from './1796416336653-PiiOverrides';
import { DeliveryClaimIndex1796700000000 } from './1796700000000-DeliveryClaimIndex';
import { DsrSealedCorrections1796700100000 } from './1796700100000-DsrSealedCorrections';
import { DeliveryOpenStreamIndex1796700200000 } from './1796700200000-DeliveryOpenStreamIndex';
import { DeliveryReplays1796700300000 } from './1796700300000-DeliveryReplays';
import { DeliveryEndpointHolds1796700400000 } from './1796700400000-DeliveryEndpointHolds';
import { DeliveryPurge1796600000000 } from './1796600000000-DeliveryPurge';
import { DeadLetterOperations1796500000000 } from './1796500000000-DeadLetterOperations';
import { EndpointDeliveryState1796500100000 } from './1796500100000-EndpointDeliveryState';
import { Deliveries1796414314187 } from './1796414314187-Deliveries';
import { DeliveryFacts1796419433245 } from './1796419433245-DeliveryFacts';
import { SellerUsers1796417315562 } from './1796417315562-SellerUsers';
import { TenantOffboardings1796427403954 } from './1796427403954-TenantOffboardings';
import { DsrHeldOrders1796427569952 } from './1796427569952-DsrHeldOrders';
import { AccessRequests1796610000000 } from './1796610000000-AccessRequests';
import { Passkeys1796440856652 } from './1796440856652-Passkeys';

/** Migrations in the order they apply. New files are appended here. */
export const MIGRATIONS: Function[] = [
  InitialSchema1795613687456,
  OAuthStateUses1795615327540,
  AccessAndAudit1795615657024,
  SlimWriteIndexes1795619635048,
  DeadLetterReplay1795620684356,
  RetentionAnchorAndPolicies1796399664792,
  WebhookEndpoints1796400567326,
  PiiDestruction1796400647000,
  ConsolePeople1796403171726,
  EventFeed1796414235922,
  OrderAcknowledgement1796414901025,
  EbayAccountDeletion1796414300046,
  DataSubjectRequests1796414786438,
  LegalHolds1796415162898,
  OrderRecordExpiry1796416507009,
  ConnectionBuyerDataSchedule1796415355698,
  PiiOverrides1796416336653,
  DeadLetterOperations1796500000000,
  Deliveries1796414314187,
  DeliveryFacts1796419433245,
  SellerUsers1796417315562,
  DeliveryPurge1796600000000,
  TenantOffboardings1796427403954,
  DsrHeldOrders1796427569952,
  EndpointDeliveryState1796500100000,
  Passkeys1796440856652,
  AccessRequests1796610000000,
  DeliveryClaimIndex1796700000000,
  DsrSealedCorrections1796700100000,
  DeliveryOpenStreamIndex1796700200000,
  DeliveryReplays1796700300000,
  DeliveryEndpointHolds1796700400000,
];
