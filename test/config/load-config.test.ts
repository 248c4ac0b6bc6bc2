import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const key = randomBytes(32).toString('base64');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('configuration is validated once, with one clear message per problem', () => {
  it('starts on the embedded default with nothing set', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.database.dataDir).toBe(path.resolve('./.ordervault'));
    expect(c.masterKey).toEqual({ kind: 'generated', path: path.resolve('./.ordervault/master.key') });
    expect(c.port).toBe(3000);
    expect(c.env).toBe('development');
    // Development listens on loopback only; nobody's X-Forwarded-For is believed; metrics stay on the API port.
    expect(c.host).toBe('127.0.0.1');
    expect(c.trustProxy).toEqual([]);
    expect(c.metrics).toEqual({ port: null, token: null });
  });

  it('takes eBay account deletion settings together, the token as eBay’s portal allows it', () => {
    const token = 'ovTest_verification-token_0123456789abcdef';
    const url = 'https://orders.example.com/ebay/account-deletion';
    expect(loadConfig({}).ebay.accountDeletion).toBeUndefined();
    expect(
      loadConfig({ EBAY_VERIFICATION_TOKEN: token, EBAY_DELETION_ENDPOINT_URL: url }).ebay.accountDeletion,
    ).toEqual({ verificationToken: token, endpointUrl: url });
    expect(problems({ EBAY_VERIFICATION_TOKEN: token })).toEqual([
      expect.stringMatching(/^EBAY_VERIFICATION_TOKEN: set together with EBAY_DELETION_ENDPOINT_URL/),
    ]);
    expect(problems({ EBAY_VERIFICATION_TOKEN: 'short', EBAY_DELETION_ENDPOINT_URL: url })).toEqual([
      expect.stringMatching(/^EBAY_VERIFICATION_TOKEN: must be 32 to 80 characters/),
    ]);
    expect(problems({ EBAY_VERIFICATION_TOKEN: token, EBAY_DELETION_ENDPOINT_URL: 'not a url' })).toEqual([
      expect.stringMatching(/^EBAY_DELETION_ENDPOINT_URL: /),
    ]);
    const prod = { NODE_ENV: 'production', ORDERVAULT_MASTER_KEY: key, DATABASE_URL: 'postgres://x@h/db' };
    expect(
      problems({ ...prod, EBAY_VERIFICATION_TOKEN: token, EBAY_DELETION_ENDPOINT_URL: 'http://orders.example.com/e' }),
    ).toEqual([expect.stringMatching(/^EBAY_DELETION_ENDPOINT_URL: eBay calls only https/)]);
  });

  it('sends email only through a relay named with its From address, TLS unless told otherwise', () => {
    expect(loadConfig({}).smtp).toBeNull();
    const c = loadConfig({
      SMTP_URL: 'smtp://mailer:s3cret@relay.example:2525',
      SMTP_FROM: 'ordervault <o@example.com>',
    });
    expect(c.smtp).toMatchObject({ from: 'ordervault <o@example.com>', allowPlaintext: false });
    expect(c.smtp?.url.hostname).toBe('relay.example');
    expect(
      loadConfig({ SMTP_URL: 'smtp://relay.example', SMTP_FROM: 'o@example.com', SMTP_ALLOW_PLAINTEXT: 'true' }).smtp,
    ).toMatchObject({ allowPlaintext: true });
    // Settings that contradict each other, or would send a password or links in clear across a network, stop the boot.
    const mail = { SMTP_FROM: 'o@example.com' };
    expect(problems({ ...mail, SMTP_URL: 'smtps://relay.example', SMTP_ALLOW_PLAINTEXT: 'true' })).toEqual([
      expect.stringMatching(/^SMTP_ALLOW_PLAINTEXT: contradicts smtps:\/\//),
    ]);
    expect(problems({ ...mail, SMTP_URL: 'smtp://mailer@relay.example' })).toEqual([
      expect.stringMatching(/^SMTP_URL: names a user but no password/),
    ]);
    expect(problems({ ...mail, SMTP_URL: 'smtp://:s3cret@relay.example' })).toEqual([
      expect.stringMatching(/^SMTP_URL: has a password but no user/),
    ]);
    const prod = { NODE_ENV: 'production', ORDERVAULT_MASTER_KEY: key, DATABASE_URL: 'postgres://x@h/db', ...mail };
    expect(problems({ ...prod, SMTP_URL: 'smtp://relay.example', SMTP_ALLOW_PLAINTEXT: 'true' })).toEqual([
      expect.stringMatching(/^SMTP_ALLOW_PLAINTEXT: production sends in clear only to a relay on this host/),
    ]);
    for (const local of ['smtp://localhost:25', 'smtp://127.0.0.1:2525', 'smtp://[::1]:25']) {
      expect(loadConfig({ ...prod, SMTP_URL: local, SMTP_ALLOW_PLAINTEXT: 'yes' }).smtp?.allowPlaintext).toBe(true);
    }
    expect(problems({ SMTP_URL: 'smtp://relay.example' })).toEqual([expect.stringMatching(/^SMTP_FROM: /)]);
    expect(problems({ SMTP_FROM: 'o@example.com' })).toEqual([expect.stringMatching(/^SMTP_URL: /)]);
    expect(problems({ SMTP_URL: 'http://relay.example', SMTP_FROM: 'o@example.com' })).toEqual([
      expect.stringMatching(/^SMTP_URL: must start with smtp:\/\/ \(STARTTLS\) or smtps:\/\//),
    ]);
    expect(problems({ SMTP_URL: 'smtp://relay.example/path', SMTP_FROM: 'o@example.com' })).toHaveLength(1);
    expect(problems({ SMTP_URL: 'smtp://relay.example', SMTP_FROM: 'a@b.example, c@d.example' })).toEqual([
      expect.stringMatching(/^SMTP_FROM: /),
    ]);
    // The relay's password is never echoed.
    expect(problems({ SMTP_URL: 'smtp://u:hunter2hunter2@', SMTP_FROM: 'o@example.com' }).join('\n')).not.toContain(
      'hunter2',
    );
  });

  it('binds where told, believes only the named proxies, and checks the metrics token', () => {
    const prod = { NODE_ENV: 'production', ORDERVAULT_MASTER_KEY: key, DATABASE_URL: 'postgres://x@h/db' };
    expect(loadConfig(prod).host).toBe('0.0.0.0');
    const c = loadConfig({ ...prod, HOST: '10.0.0.5', TRUST_PROXY: '10.0.0.1, 10.1.0.0/16', METRICS_PORT: '9464' });
    expect(c).toMatchObject({ host: '10.0.0.5', trustProxy: ['10.0.0.1', '10.1.0.0/16'], metrics: { port: 9464 } });
    expect(problems({ TRUST_PROXY: 'everyone' })).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual([
      expect.stringMatching(/^METRICS_TOKEN: must be at least 16/),
    ]);
    expect(problems({ HOST: 'a b' })).toEqual([expect.stringMatching(/^HOST: /)]);
  });

  it('reports every problem at once', () => {
    const p = problems({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db',
      ORDERVAULT_MASTER_KEY: 'c2hvcnQ=',
      AMAZON_SPAPI_ENDPOINT: 'http://127.0.0.1:9000',
      EBAY_API_ENDPOINT: 'https://127.0.0.1:9000/sell',
      SYNC_WORKER_CONCURRENCY: '0',
      LOG_LEVEL: 'chatty',
    });
    expect(p).toHaveLength(7);
    expect(p.join('\n')).toMatch(/^PORT: /m);
    expect(p.join('\n')).toMatch(/^DATABASE_URL: must be a postgres/m);
    expect(p.join('\n')).toMatch(/^ORDERVAULT_MASTER_KEY: must be 32 bytes/m);
    expect(p.join('\n')).toMatch(/^AMAZON_SPAPI_ENDPOINT: must use https/m);
    expect(p.join('\n')).toMatch(/^EBAY_API_ENDPOINT: must be scheme:\/\/host:port without a path/m);
    expect(p.join('\n')).toMatch(/^SYNC_WORKER_CONCURRENCY: /m);
    expect(p.join('\n')).toMatch(/^LOG_LEVEL: /m);
  });

  it('never echoes a secret value in a message', () => {
    const secret = 'bm90LWEta2V5LWJ1dC1hLXNlY3JldC12YWx1ZQ==';
    expect(problems({ ORDERVAULT_MASTER_KEY: secret }).join('\n')).not.toContain(secret);
  });

  it('production refuses to start without a master key or a database server', () => {
    const p = problems({ NODE_ENV: 'production' });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ORDERVAULT_MASTER_KEY: production refuses to start without a master key/),
        expect.stringMatching(/^DATABASE_URL: production needs a PostgreSQL server/),
      ]),
    );
    expect(problems({ NODE_ENV: 'production', ORDERVAULT_MASTER_KEY: key, DATABASE_URL: 'postgres://x@h/db' })).toEqual(
      [],
    );
  });

  it('accepts a key file, rejects both key sources at once, and checks previous keys', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ovcfg-'));
    const file = path.join(dir, 'keyring');
    writeFileSync(file, `${key}\n`);
    chmodSync(file, 0o600);
    expect(loadConfig({ ORDERVAULT_MASTER_KEY_FILE: file }).masterKey).toEqual({ kind: 'file', path: file });
    expect(problems({ ORDERVAULT_MASTER_KEY_FILE: file, ORDERVAULT_MASTER_KEY: key })).toEqual([
      expect.stringMatching(/either ORDERVAULT_MASTER_KEY or ORDERVAULT_MASTER_KEY_FILE/),
    ]);
    expect(problems({ ORDERVAULT_MASTER_KEY: key, ORDERVAULT_MASTER_KEY_PREVIOUS: `${key},nope` })).toEqual([
      expect.stringMatching(/^ORDERVAULT_MASTER_KEY_PREVIOUS: /),
    ]);
    const c = loadConfig({ ORDERVAULT_MASTER_KEY: key, ORDERVAULT_MASTER_KEY_PREVIOUS: ` ${key} ` });
    expect(c.masterKey).toEqual({ kind: 'inline', current: key, previous: [key] });
  });

  it('reads extra CA certificates from NODE_EXTRA_CA_CERTS and says so when the file is wrong', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ovcfg-'));
    const good = path.join(dir, 'ca.pem');
    writeFileSync(good, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(loadConfig({ NODE_EXTRA_CA_CERTS: good }).extraCaPem).toContain('BEGIN CERTIFICATE');
    expect(problems({ NODE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') })).toEqual([
      expect.stringMatching(/^NODE_EXTRA_CA_CERTS: cannot read .* \(ENOENT\)$/),
    ]);
    const bad = path.join(dir, 'bad.pem');
    writeFileSync(bad, 'hello');
    expect(problems({ NODE_EXTRA_CA_CERTS: bad })).toEqual([expect.stringMatching(/holds no PEM certificate/)]);
  });

  it('parses endpoint overrides as origins', () => {
    const c = loadConfig({ AMAZON_SPAPI_ENDPOINT: 'https://127.0.0.1:8443', EBAY_SCOPES: 'a b,c' });
    expect(c.amazon.spapiEndpoint?.host).toBe('127.0.0.1:8443');
    expect(c.ebay.scopes).toEqual(['a', 'b', 'c']);
  });
});
