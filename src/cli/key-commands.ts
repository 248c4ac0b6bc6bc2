import type { INestApplicationContext } from '@nestjs/common';
import type { Command, Option } from 'commander';
import { ApiKeysService } from '../access/api-keys.service';
import { cliActor, SELLER_SCOPES } from '../auth';
import type { AppConfig } from '../config';
import { Clock } from '../platform/clock/clock';
import { isCleanText } from '../platform/validation/text';
import { TenantsService } from '../tenants/tenants.service';
import { withAppContext } from './app-context';
import { emit, UsageError } from './output';

export interface KeyCreateOptions {
  tenant: string;
  scopes: string;
  label?: string;
  expiresIn?: string;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Ten years: a bound, so an absurd number is a usage error rather than an invalid date. */
const MAX_LIFETIME_MS = 3650 * 86_400_000;

/** `90d`, `12h`, `30m`. */
export function parseExpiresIn(text: string): number {
  const m = /^([1-9]\d{0,6})([mhd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!Number.isFinite(ms) || ms > MAX_LIFETIME_MS) {
    throw new UsageError('--expires-in must be a duration such as 90d, 12h or 30m (at most 3650d)');
  }
  return ms;
}

/**
 * A seller's first API key without a running server or an admin key: the operator runs it on the server's
 * machine (database and master key at hand), like `staff create`. The key is printed once.
 */
export async function createSellerKey(app: INestApplicationContext, o: KeyCreateOptions) {
  const scopes = o.scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(SELLER_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || unknown.length) {
    throw new UsageError(`--scopes takes a comma-separated list of: ${SELLER_SCOPES.join(', ')}`);
  }
  const label = (o.label ?? 'created with ordervault key create').trim();
  if (!label || label.length > 100 || !isCleanText(label)) {
    throw new UsageError('--label must be 1 to 100 printable characters');
  }
  const expiresAt = o.expiresIn ? new Date(app.get(Clock).nowMs() + parseExpiresIn(o.expiresIn)) : null;
  await app.get(TenantsService).requireTenant(o.tenant);
  return app.get(ApiKeysService).createSellerKey(cliActor('key create'), o.tenant, { label, scopes, expiresAt });
}

export function registerKeyCommands(program: Command, cfg: () => AppConfig, json: () => Option): void {
  program
    .command('key')
    .description("a seller's API keys")
    .command('create')
    .description('create an API key for a seller (tenant) and print it once; no server or admin key needed')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--scopes <list>', `comma-separated: ${SELLER_SCOPES.join(', ')}`)
    .option('--label <text>', 'what the key is for (shown in key lists)')
    .option('--expires-in <duration>', 'lifetime such as 90d, 12h or 30m (default: no expiry)')
    .addOption(json())
    .action(async (o: KeyCreateOptions & { json?: boolean }) => {
      const key = await withAppContext(cfg(), (app) => createSellerKey(app, o));
      emit(!!o.json, key, () =>
        [
          `created key ${key.keyId} for tenant ${key.tenantId} (scopes ${key.scopes.join(', ')}; ${
            key.expiresAt ? `expires ${key.expiresAt}` : 'no expiry'
          })`,
          `API key (shown once, store it now): ${key.key}`,
        ].join('\n'),
      );
    });
}
