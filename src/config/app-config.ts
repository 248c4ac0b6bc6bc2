/**
 * The typed configuration every other module receives. Built once at boot by
 * `loadConfig` from the environment; nothing else reads `process.env`.
 */
export type RuntimeEnv = 'development' | 'test' | 'production';

export type MasterKeySource =
  /** Key material given inline (ORDERVAULT_MASTER_KEY). */
  | { kind: 'inline'; current: string; previous: string[] }
  /** Keyring file (ORDERVAULT_MASTER_KEY_FILE): first line current, later lines previous keys. */
  | { kind: 'file'; path: string }
  /** Embedded/demo mode only: generated into the data directory on first start (mode 0600). */
  | { kind: 'generated'; path: string };

export interface MarketplaceEndpoint {
  /** scheme://host:port of a sandbox or simulator standing in for the real host. */
  readonly url: URL;
}

export interface AmazonConfig {
  readonly lwaClientId?: string;
  readonly lwaClientSecret?: string;
  readonly appId?: string;
  /** Overrides for every SP-API regional host (`sellingpartnerapi-*.amazon.com`). */
  readonly spapiEndpoint?: URL;
  /** Override for `api.amazon.com` (LWA token endpoint). */
  readonly lwaEndpoint?: URL;
  /** Seller Central base used to build the website-authorisation consent URL. */
  readonly sellerCentralUrl: URL;
  readonly draftApp: boolean;
}

export interface EbayConfig {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly ruName?: string;
  /** Override for `api.ebay.com` / `apiz.ebay.com`. */
  readonly apiEndpoint?: URL;
  /** Override for the identity (OAuth token) endpoint host. */
  readonly identityEndpoint?: URL;
  readonly authUrl: URL;
  readonly scopes: readonly string[];
  /**
   * Marketplace Account Deletion notifications (EBAY_VERIFICATION_TOKEN and EBAY_DELETION_ENDPOINT_URL, set
   * together): the token and the exact endpoint URL registered in eBay's developer portal. Unset: the endpoint
   * answers 404 and nothing is erased on eBay's behalf.
   */
  readonly accountDeletion?: { readonly verificationToken: string; readonly endpointUrl: string };
}

export interface SyncConfig {
  /** How often the scheduler tick looks for due connections. */
  readonly tickSeconds: number;
  /** Default spacing between two syncs of one connection. */
  readonly intervalSeconds: number;
  /** How far each window reaches back behind the previous cursor. */
  readonly overlapSeconds: number;
  /** How long a claimed connection stays leased to one worker without renewal. */
  readonly leaseSeconds: number;
  /** How many connections one process syncs at once. */
  readonly workerConcurrency: number;
  /** Whether this process runs the scheduler and workers (off for CLI one-shots). */
  readonly schedulerEnabled: boolean;
  /** First window start for a connection that has never synced. */
  readonly initialLookbackDays: number;
}

export interface RetentionConfig {
  /** How often a sweep destroys the buyer data that is due (at most this late). */
  readonly sweepSeconds: number;
  /** Orders per destruction transaction (and per receipt; the access log takes at most 1000 ids). */
  readonly batchSize: number;
  /**
   * Share of wall time a sweep may spend working (1–100 %): after each batch it pauses in proportion, so a large
   * backlog never starves ingestion and delivery.
   */
  readonly dutyPercent: number;
  /** Dead letters with no marketplace order id keep their sealed payload this long. */
  readonly unidentifiedLetterDays: number;
}

export interface DeliveryConfig {
  /**
   * Lets webhook endpoints point at private, loopback and link-local addresses and use plain
   * HTTP. For development, the demo and tests only: refused when NODE_ENV=production.
   */
  readonly allowPrivateNetworks: boolean;
  /** Outbox events (and their feed positions) older than this are purged once dispatched (OUTBOX_RETENTION_DAYS). */
  readonly outboxRetentionDays: number;
  /** How often each replica purges (OUTBOX_PURGE_SECONDS). */
  readonly outboxPurgeSeconds: number;
  /** One deadline for a whole webhook exchange (WEBHOOK_TIMEOUT_MS, default 15 s). */
  readonly timeoutMs: number;
  /** Requests in flight to one endpoint at once, across replicas (DELIVERY_CONCURRENCY_PER_ENDPOINT, default 8). */
  readonly concurrencyPerEndpoint: number;
  /** Deliveries one dispatcher claims per pass (DELIVERY_BATCH_SIZE, default 100). */
  readonly batchSize: number;
  /**
   * Claims' worth of deliveries each process holds at once (DELIVERY_LANES, default 4): up to lanes × batch size
   * claimed and not yet recorded, so one claim's prepare, send and record overlap the next claims. Each delivery
   * gives its share back when its outcome is recorded, so a receiver that hangs holds only its own deliveries.
   */
  readonly lanes: number;
  /** How often the dispatcher looks for due work without a notification (DELIVERY_POLL_MS, default 1000). */
  readonly pollMs: number;
  /** Whether this process runs the dispatcher loop (DELIVERY_ENABLED and SYNC_SCHEDULER_ENABLED). */
  readonly loopEnabled: boolean;
}

export interface AppConfig {
  readonly env: RuntimeEnv;
  /**
   * `sandbox`: started by `ordervault serve --sandbox` with in-process marketplace simulators and a demo seller
   * (never from the environment); said in the start-up log and by `/health/ready`.
   */
  readonly mode: 'service' | 'sandbox';
  readonly port: number;
  /** Address the API listens on (HOST; default 127.0.0.1, or 0.0.0.0 in production). */
  readonly host: string;
  /**
   * Proxies whose X-Forwarded-For is believed (TRUST_PROXY: addresses or CIDR ranges). Empty: the client address is
   * the socket's peer, and X-Forwarded-For from anyone is ignored.
   */
  readonly trustProxy: readonly string[];
  /**
   * Where `/metrics` is served: on its own port (METRICS_PORT), and/or on the API port behind a bearer token
   * (METRICS_TOKEN). In production with neither, the API port does not serve it at all.
   */
  readonly metrics: { readonly port: number | null; readonly token: string | null };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly database: {
    /** Unset means embedded PGlite in `dataDir`. */
    readonly url?: string;
    readonly dataDir: string;
    readonly poolSize: number;
    /**
     * Role the service runs as (SET at connection start). Migrations run as the
     * connecting (owner) role; the runtime role may only SELECT and INSERT the
     * access log. Unset: everything runs as the connecting role.
     */
    readonly appRole?: string;
  };
  readonly masterKey: MasterKeySource;
  /** Extra trusted CA certificates (PEM) for outbound TLS, from NODE_EXTRA_CA_CERTS. */
  readonly extraCaPem?: string;
  /** Public base URL of this service, used for OAuth redirect URIs. */
  readonly publicBaseUrl: URL;
  readonly webauthn: WebAuthnConfig;
  /** Null: no email is sent (invitation links are handed over by the person who made them). */
  readonly smtp: SmtpConfig | null;
  readonly amazon: AmazonConfig;
  readonly ebay: EbayConfig;
  readonly sync: SyncConfig;
  readonly retention: RetentionConfig;
  /** Outbound HTTP timeout for marketplace calls. */
  readonly httpTimeoutMs: number;
  readonly delivery: DeliveryConfig;
}

/**
 * Outgoing email (invitations to the console), when configured. `smtps://` is TLS from the first byte; `smtp://`
 * must upgrade with STARTTLS before anything is sent, unless `allowPlaintext` (a relay on loopback only).
 */
export interface SmtpConfig {
  /** The relay: smtp[s]://[user:password@]host[:port]. Holds a secret when it carries a password: never logged. */
  readonly url: URL;
  /** The From header: an address, or `Name <address>`. */
  readonly from: string;
  readonly allowPlaintext: boolean;
}

/** The WebAuthn relying party the console's passkeys are bound to. */
export interface WebAuthnConfig {
  /** The RP id (a domain): the public host, or a parent domain of it (ORDERVAULT_WEBAUTHN_RP_ID). */
  readonly rpId: string;
  readonly rpName: string;
  /** The origin a passkey ceremony must come from: the public URL's. */
  readonly origin: string;
}
