import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { AppConfig, MasterKeySource } from './app-config';
import { smtpProblems } from './smtp-rules';

/** Thrown when the environment does not describe a runnable service; one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

/** A From header: `local@domain`, or a display name of plain characters and `<local@domain>`. */
const MAIL_FROM =
  /^(?:[\p{L}\p{N} ._'-]{1,64} <[^\s<>@"]{1,64}@[a-z0-9.-]{1,190}>|[^\s<>@"]{1,64}@[a-z0-9.-]{1,190})$/iu;

/** scheme://host[:port] with nothing after it: endpoint overrides replace a host, never a path. */
/**
 * An optional origin URL: `scheme://[user:password@]host[:port]` with one of `schemes` and nothing after the
 * authority. `notAUrl` words the issue for a value that does not parse (it decides whether the value is echoed).
 */
const originUrl = (o: {
  readonly schemes: readonly string[];
  readonly notAUrl: (value: string) => string;
  readonly wrongScheme: string;
  readonly notAnOrigin: string;
}) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          ctx.addIssue({ code: 'custom', message: o.notAUrl(value) });
          return z.NEVER;
        }
        if (!o.schemes.includes(url.protocol)) {
          ctx.addIssue({ code: 'custom', message: o.wrongScheme });
          return z.NEVER;
        }
        if (!url.hostname || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
          ctx.addIssue({ code: 'custom', message: o.notAnOrigin });
          return z.NEVER;
        }
        return url;
      }),
  );

const endpointUrl = originUrl({
  schemes: ['https:'],
  notAUrl: (value) => `"${value}" is not a URL (expected scheme://host:port)`,
  wrongScheme: 'must use https:// (marketplace traffic is always TLS)',
  notAnOrigin: 'must be scheme://host:port without a path',
});

const httpUrl = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        try {
          const url = new URL(value);
          if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
          return url;
        } catch {
          ctx.addIssue({ code: 'custom', message: `"${value}" is not an http(s) URL` });
          return z.NEVER;
        }
      }),
  );

const intIn = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

const bool = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** True for exactly 32 bytes of canonical base64. */
export function isBase64Key(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64').replace(/=+$/, '') === value.trim().replace(/=+$/, '');
}

const schema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
  PORT: intIn(0, 65535, 3000),
  HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9a-zA-Z.:-]{1,253}$/, 'must be an address or host name to listen on (0.0.0.0 for every interface)')
      .optional(),
  ),
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9a-fA-F.:/,\s]+$/, 'must be a comma-separated list of proxy addresses or CIDR ranges')
      .optional(),
  ),
  METRICS_PORT: intIn(0, 65535, 0),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.trim().length >= 16, {
    message: 'must be at least 16 characters',
  }),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
        message: 'must be a postgres:// or postgresql:// URL',
      }),
  ),
  DATABASE_POOL_SIZE: intIn(1, 200, 10),
  DATABASE_APP_ROLE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain PostgreSQL role name (lower case, digits, _)')
      .optional(),
  ),
  ORDERVAULT_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.ordervault')),
  ORDERVAULT_MASTER_KEY: optionalString.refine((v) => v === undefined || isBase64Key(v), {
    message: 'must be 32 bytes encoded as base64 (generate one with: openssl rand -base64 32)',
  }),
  ORDERVAULT_MASTER_KEY_PREVIOUS: optionalString,
  ORDERVAULT_MASTER_KEY_FILE: optionalString,
  ORDERVAULT_PUBLIC_URL: httpUrl('http://localhost:3000'),
  // The WebAuthn relying party id (passkeys): the public host or a parent domain of it; default the public host.
  ORDERVAULT_WEBAUTHN_RP_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lower-case domain name')
      .optional(),
  ),
  NODE_EXTRA_CA_CERTS: optionalString,
  SMTP_URL: originUrl({
    schemes: ['smtp:', 'smtps:'],
    // Never echo the value: it may carry the relay's password.
    notAUrl: () => 'is not a URL (expected smtp://host:port or smtps://host:port)',
    wrongScheme: 'must start with smtp:// (STARTTLS) or smtps:// (TLS)',
    notAnOrigin: 'must be smtp[s]://[user:password@]host[:port] and nothing more',
  }),
  SMTP_FROM: optionalString.refine((v) => v === undefined || MAIL_FROM.test(v.trim()), {
    message: 'must be an address (orders@example.com) or "Name <orders@example.com>"',
  }),
  SMTP_ALLOW_PLAINTEXT: bool(false),
  AMAZON_LWA_CLIENT_ID: optionalString,
  AMAZON_LWA_CLIENT_SECRET: optionalString,
  AMAZON_APP_ID: optionalString,
  AMAZON_SPAPI_ENDPOINT: endpointUrl,
  AMAZON_LWA_ENDPOINT: endpointUrl,
  AMAZON_SELLER_CENTRAL_URL: httpUrl('https://sellercentral.amazon.com'),
  AMAZON_DRAFT_APP: bool(false),
  EBAY_CLIENT_ID: optionalString,
  EBAY_CLIENT_SECRET: optionalString,
  EBAY_RUNAME: optionalString,
  EBAY_API_ENDPOINT: endpointUrl,
  EBAY_IDENTITY_ENDPOINT: endpointUrl,
  EBAY_AUTH_URL: httpUrl('https://auth.ebay.com/oauth2/authorize'),
  EBAY_SCOPES: z.preprocess(
    emptyToUndefined,
    z.string().default('https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly'),
  ),
  EBAY_VERIFICATION_TOKEN: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_-]{32,80}$/.test(v), {
    message: 'must be 32 to 80 characters of A-Z, a-z, 0-9, _ and - (eBay developer portal rule)',
  }),
  EBAY_DELETION_ENDPOINT_URL: optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        const url = new URL(v);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.hash && !/\s/.test(v);
      } catch {
        return false;
      }
    },
    { message: 'must be the exact http(s) URL registered with eBay (no fragment, no spaces)' },
  ),
  SYNC_TICK_SECONDS: intIn(1, 3600, 15),
  SYNC_INTERVAL_SECONDS: intIn(10, 86400, 300),
  SYNC_OVERLAP_SECONDS: intIn(0, 86400, 600),
  SYNC_LEASE_SECONDS: intIn(10, 3600, 120),
  SYNC_WORKER_CONCURRENCY: intIn(1, 64, 4),
  SYNC_SCHEDULER_ENABLED: bool(true),
  SYNC_INITIAL_LOOKBACK_DAYS: intIn(1, 730, 30),
  RETENTION_SWEEP_SECONDS: intIn(10, 86400, 60),
  RETENTION_BATCH_SIZE: intIn(1, 1000, 1000),
  RETENTION_SWEEP_DUTY_PERCENT: intIn(1, 100, 25),
  RETENTION_UNIDENTIFIED_LETTER_DAYS: intIn(1, 90, 30),
  HTTP_TIMEOUT_MS: intIn(100, 300000, 30000),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool(false),
  OUTBOX_RETENTION_DAYS: intIn(1, 365, 30),
  OUTBOX_PURGE_SECONDS: intIn(60, 86400, 3600),
  WEBHOOK_TIMEOUT_MS: intIn(100, 60000, 15000),
  DELIVERY_CONCURRENCY_PER_ENDPOINT: intIn(1, 64, 8),
  DELIVERY_BATCH_SIZE: intIn(1, 1000, 100),
  DELIVERY_LANES: intIn(1, 32, 4),
  DELIVERY_POLL_MS: intIn(50, 60000, 1000),
  DELIVERY_ENABLED: bool(true),
});

const present = (v: string | undefined) => v !== undefined && v.trim() !== '';

/** Rules that span several variables; checked on the raw values so they are reported with field errors. */
function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  if (present(env.ORDERVAULT_MASTER_KEY) && present(env.ORDERVAULT_MASTER_KEY_FILE)) {
    problems.push('ORDERVAULT_MASTER_KEY: set either ORDERVAULT_MASTER_KEY or ORDERVAULT_MASTER_KEY_FILE, not both');
  }
  if (production && !present(env.ORDERVAULT_MASTER_KEY) && !present(env.ORDERVAULT_MASTER_KEY_FILE)) {
    problems.push(
      'ORDERVAULT_MASTER_KEY: production refuses to start without a master key (ORDERVAULT_MASTER_KEY or ORDERVAULT_MASTER_KEY_FILE)',
    );
  }
  if (production && !present(env.DATABASE_URL)) {
    problems.push(
      'DATABASE_URL: production needs a PostgreSQL server; the embedded database is for development and demos',
    );
  }
  if (production && ['true', '1', 'yes'].includes((env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? '').trim())) {
    problems.push(
      'WEBHOOK_ALLOW_PRIVATE_NETWORKS: production refuses webhooks to private networks or over plain HTTP (development, demo and tests only)',
    );
  }
  if (present(env.EBAY_VERIFICATION_TOKEN) !== present(env.EBAY_DELETION_ENDPOINT_URL)) {
    problems.push(
      'EBAY_VERIFICATION_TOKEN: set together with EBAY_DELETION_ENDPOINT_URL (both are registered with eBay for account deletion notifications)',
    );
  }
  if (
    production &&
    present(env.EBAY_DELETION_ENDPOINT_URL) &&
    !env.EBAY_DELETION_ENDPOINT_URL!.trim().startsWith('https://')
  ) {
    problems.push('EBAY_DELETION_ENDPOINT_URL: eBay calls only https:// endpoints in production');
  }
  if (present(env.SMTP_URL) && !present(env.SMTP_FROM)) {
    problems.push("SMTP_FROM: set the From address of ordervault's email together with SMTP_URL");
  }
  if (present(env.SMTP_FROM) && !present(env.SMTP_URL)) {
    problems.push('SMTP_URL: SMTP_FROM is set but no relay to send through');
  }
  problems.push(...smtpProblems(env));
  const previous = (env.ORDERVAULT_MASTER_KEY_PREVIOUS ?? '').split(',').filter((k) => k.trim());
  if (previous.some((k) => !isBase64Key(k.trim()))) {
    problems.push('ORDERVAULT_MASTER_KEY_PREVIOUS: each comma-separated entry must be 32 bytes encoded as base64');
  }
  return problems;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || 'environment';
  return `${name}: ${issue.message}`;
}

function readCaFile(file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push(`NODE_EXTRA_CA_CERTS: ${file} holds no PEM certificate`);
      return undefined;
    }
    return pem;
  } catch (err) {
    problems.push(`NODE_EXTRA_CA_CERTS: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** A browser accepts an RP id only if it is the page's host or a parent domain of it. */
function relyingPartyProblems(publicUrl: URL, rpId: string | undefined): string[] {
  if (rpId === undefined) return [];
  const host = publicUrl.hostname;
  return host === rpId || host.endsWith(`.${rpId}`)
    ? []
    : [
        `ORDERVAULT_WEBAUTHN_RP_ID: ${rpId} is neither the host of ORDERVAULT_PUBLIC_URL (${host}) nor a parent domain of it`,
      ];
}

/**
 * Validates the environment and returns the typed configuration, or throws a
 * ConfigError listing every problem at once (the entry points print them and exit 2).
 */
export function loadConfig(env: Env): AppConfig {
  const parsed = schema.safeParse(env);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map(formatIssue)), ...crossFieldProblems(env)];
  const extraCaPem = readCaFile(env.NODE_EXTRA_CA_CERTS?.trim() || undefined, problems);
  if (parsed.success)
    problems.push(...relyingPartyProblems(parsed.data.ORDERVAULT_PUBLIC_URL, parsed.data.ORDERVAULT_WEBAUTHN_RP_ID));
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;

  const dataDir = path.resolve(e.ORDERVAULT_DATA_DIR);
  let masterKey: MasterKeySource;
  if (e.ORDERVAULT_MASTER_KEY) {
    masterKey = {
      kind: 'inline',
      current: e.ORDERVAULT_MASTER_KEY.trim(),
      previous: (e.ORDERVAULT_MASTER_KEY_PREVIOUS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
  } else if (e.ORDERVAULT_MASTER_KEY_FILE) {
    masterKey = { kind: 'file', path: path.resolve(e.ORDERVAULT_MASTER_KEY_FILE) };
  } else {
    masterKey = { kind: 'generated', path: path.join(dataDir, 'master.key') };
  }

  return {
    env: e.NODE_ENV,
    mode: 'service',
    port: e.PORT,
    // Development listens on loopback only; production (and its container image) on every interface unless told.
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    trustProxy: (e.TRUST_PROXY ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    metrics: { port: e.METRICS_PORT || null, token: e.METRICS_TOKEN?.trim() ?? null },
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, dataDir, poolSize: e.DATABASE_POOL_SIZE, appRole: e.DATABASE_APP_ROLE },
    masterKey,
    extraCaPem,
    publicBaseUrl: e.ORDERVAULT_PUBLIC_URL,
    webauthn: {
      rpId: e.ORDERVAULT_WEBAUTHN_RP_ID ?? e.ORDERVAULT_PUBLIC_URL.hostname,
      rpName: 'ordervault',
      origin: e.ORDERVAULT_PUBLIC_URL.origin,
    },
    smtp:
      e.SMTP_URL && e.SMTP_FROM
        ? { url: e.SMTP_URL, from: e.SMTP_FROM.trim(), allowPlaintext: e.SMTP_ALLOW_PLAINTEXT }
        : null,
    amazon: {
      lwaClientId: e.AMAZON_LWA_CLIENT_ID,
      lwaClientSecret: e.AMAZON_LWA_CLIENT_SECRET,
      appId: e.AMAZON_APP_ID,
      spapiEndpoint: e.AMAZON_SPAPI_ENDPOINT,
      lwaEndpoint: e.AMAZON_LWA_ENDPOINT,
      sellerCentralUrl: e.AMAZON_SELLER_CENTRAL_URL,
      draftApp: e.AMAZON_DRAFT_APP,
    },
    ebay: {
      clientId: e.EBAY_CLIENT_ID,
      clientSecret: e.EBAY_CLIENT_SECRET,
      ruName: e.EBAY_RUNAME,
      apiEndpoint: e.EBAY_API_ENDPOINT,
      identityEndpoint: e.EBAY_IDENTITY_ENDPOINT,
      authUrl: e.EBAY_AUTH_URL,
      scopes: e.EBAY_SCOPES.split(/[\s,]+/).filter(Boolean),
      ...(e.EBAY_VERIFICATION_TOKEN && e.EBAY_DELETION_ENDPOINT_URL
        ? {
            accountDeletion: {
              verificationToken: e.EBAY_VERIFICATION_TOKEN.trim(),
              endpointUrl: e.EBAY_DELETION_ENDPOINT_URL.trim(),
            },
          }
        : {}),
    },
    sync: {
      tickSeconds: e.SYNC_TICK_SECONDS,
      intervalSeconds: e.SYNC_INTERVAL_SECONDS,
      overlapSeconds: e.SYNC_OVERLAP_SECONDS,
      leaseSeconds: e.SYNC_LEASE_SECONDS,
      workerConcurrency: e.SYNC_WORKER_CONCURRENCY,
      schedulerEnabled: e.SYNC_SCHEDULER_ENABLED,
      initialLookbackDays: e.SYNC_INITIAL_LOOKBACK_DAYS,
    },
    retention: {
      sweepSeconds: e.RETENTION_SWEEP_SECONDS,
      batchSize: e.RETENTION_BATCH_SIZE,
      dutyPercent: e.RETENTION_SWEEP_DUTY_PERCENT,
      unidentifiedLetterDays: e.RETENTION_UNIDENTIFIED_LETTER_DAYS,
    },
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    delivery: {
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
      outboxPurgeSeconds: e.OUTBOX_PURGE_SECONDS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrencyPerEndpoint: e.DELIVERY_CONCURRENCY_PER_ENDPOINT,
      batchSize: e.DELIVERY_BATCH_SIZE,
      lanes: e.DELIVERY_LANES,
      pollMs: e.DELIVERY_POLL_MS,
      loopEnabled: e.DELIVERY_ENABLED && e.SYNC_SCHEDULER_ENABLED,
    },
  };
}

/** The one place that touches process.env. */
export function loadConfigFromProcess(): AppConfig {
  // eslint-disable-next-line no-restricted-syntax -- the config module is the only reader of the environment
  return loadConfig(process.env);
}
