export * from './clock/clock';
export * from './errors/domain-error';
export * from './logging/app-logger';
export * from './database/database-target';
export * from './database/transaction-manager';
export * from './platform.module';
export * from './metrics/metrics-registry';
export * from './http/domain-error.filter';
