export * from './app-config';
export * from './config.module';
export { ConfigError, loadConfig, loadConfigFromProcess } from './load-config';
