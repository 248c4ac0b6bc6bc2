import { rootCertificates } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../../config';

/** One email: plain text and an HTML alternative, to one recipient. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Why an email was not sent, as a code (never the relay's text, which may quote the recipient): `not_configured`,
 * `tls_required` (the relay offered no STARTTLS), `auth` (the relay refused our credentials), `rejected` (it
 * refused the sender or recipient), `unreachable` (connection, TLS or time-out), `failed` (anything else).
 */
export type MailFailureCode = 'not_configured' | 'tls_required' | 'auth' | 'rejected' | 'unreachable' | 'failed';

export class MailFailure extends Error {
  constructor(readonly code: MailFailureCode) {
    super(`email not sent (${code})`);
    this.name = 'MailFailure';
  }
}

/** Outgoing email: an I/O edge of its own (SMTP when configured, none otherwise). */
export abstract class Mailer {
  /** Whether this service sends email at all (an SMTP relay is configured). */
  abstract readonly configured: boolean;
  /** Sends the mail or throws a `MailFailure`. */
  abstract send(mail: OutgoingMail): Promise<void>;
}

/** No relay configured: nothing is ever sent. */
export class NoMailer extends Mailer {
  readonly configured = false;
  send(): Promise<void> {
    return Promise.reject(new MailFailure('not_configured'));
  }
}

/**
 * Through an SMTP relay with nodemailer. TLS always, unless the operator allowed a plaintext (loopback) relay:
 * `smtps://` from the first byte, `smtp://` with STARTTLS required before the first command that carries
 * anything. The relay's certificate is checked against the system roots and `NODE_EXTRA_CA_CERTS`. Nodemailer
 * reads no file and fetches no URL for us (both disabled), and logs nothing.
 */
export class SmtpMailer extends Mailer {
  readonly configured = true;
  private readonly transport: Transporter;

  constructor(
    private readonly config: SmtpConfig,
    extraCaPem: string | undefined,
  ) {
    super();
    const implicitTls = config.url.protocol === 'smtps:';
    const user = decodeURIComponent(config.url.username);
    this.transport = createTransport({
      host: config.url.hostname,
      port: Number(config.url.port) || (implicitTls ? 465 : 587),
      secure: implicitTls,
      requireTLS: !implicitTls && !config.allowPlaintext,
      ...(user ? { auth: { user, pass: decodeURIComponent(config.url.password) } } : {}),
      tls: {
        minVersion: 'TLSv1.2',
        servername: config.url.hostname,
        ...(extraCaPem ? { ca: [...rootCertificates, extraCaPem] } : {}),
      },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.config.from, ...mail });
    } catch (err) {
      throw new MailFailure(failureCode(err));
    }
  }
}

function failureCode(err: unknown): MailFailureCode {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code === 'ETLS' && /STARTTLS/i.test(message)) return 'tls_required';
  if (code === 'EAUTH') return 'auth';
  if (code === 'EENVELOPE' || (typeof e?.responseCode === 'number' && e.responseCode >= 500)) return 'rejected';
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED'].includes(code)) return 'unreachable';
  return 'failed';
}

/** The configured mailer: SMTP when `smtp` is set, none otherwise. */
export const mailerFor = (smtp: SmtpConfig | null, extraCaPem: string | undefined): Mailer =>
  smtp ? new SmtpMailer(smtp, extraCaPem) : new NoMailer();
