// Public surface of the rights module.
export { DataSubjectRequestsModule } from './data-subject-requests.module';
export {
  DataSubjectRequestsService,
  MAX_ORDERS_PER_REQUEST,
  MAX_ORDERS_IN_BACKGROUND,
  EXPORT_AVAILABLE_DAYS,
  type DataSubjectExport,
  type DataSubjectRequestInput,
} from './data-subject-requests.service';
export type { DataSubjectRequestView, DataSubjectRequestPage } from './data-subject-request.mapper';
export { DataSubjectRequest } from './data-subject-request.entity';
export { DSR_TYPES, type DsrType } from './dsr-types';
export { TenantOffboardingModule } from './offboarding/tenant-offboarding.module';
export {
  TenantOffboardingService,
  type OffboardingOptions,
  type OffboardingResult,
} from './offboarding/tenant-offboarding.service';
export type { OffboardingRequest } from './offboarding/offboarding-request';
export { TenantOffboarding } from './offboarding/tenant-offboarding.entity';
export { DsrBackgroundWorker, DSR_BACKGROUND_QUEUE } from './dsr-background.worker';
