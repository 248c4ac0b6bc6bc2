import { InitialSchema1795613687456 } from './1795613687456-InitialSchema';
import { OAuthStateUses1795615327540 } from './1795615327540-OAuthStateUses';
import { AccessAndAudit1795615657024 } from './1795615657024-AccessAndAudit';
import { SlimWriteIndexes1795619635048 } from './1795619635048-SlimWriteIndexes';
import { DeadLetterReplay1795620684356 } from './1795620684356-DeadLetterReplay';
import { RetentionAnchorAndPolicies1796399664792 } from './1796399664792-RetentionAnchorAndPolicies';
import { WebhookEndpoints1796400567326 } from './1796400567326-WebhookEndpoints';
import { PiiDestruction1796400647000 } from './1796400647000-PiiDestruction';
import { ConsolePeople1796403171726 } from './1796403171726-ConsolePeople';
import { SellerUsers1796417315562 } from './1796417315562-SellerUsers';

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
  SellerUsers1796417315562,
];
