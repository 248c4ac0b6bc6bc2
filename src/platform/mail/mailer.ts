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
 * `tls_required` (the relay offered no STARTTLS), `untrusted_certificate` (its certificate did not verify against
 * the trusted roots, or names another host), `auth` (the relay refused our credentials), `rejected` (it refused
 * the sender or recipient), `unreachable` (no connection, or no answer within the send's deadline), `failed`
 * (anything else).
 */
export const MAIL_FAILURE_CODES = [
  'not_configured',
  'tls_required',
  'untrusted_certificate',
  'auth',
  'rejected',
  'unreachable',
  'failed',
] as const;
export type MailFailureCode = (typeof MAIL_FAILURE_CODES)[number];

/** Longest a send may hold its caller (an inviter's request), whatever the relay does: connect, TLS and all. */
export const SEND_DEADLINE_MS = 30_000;

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
    private readonly deadlineMs = SEND_DEADLINE_MS,
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
    let timer: NodeJS.Timeout | undefined;
    // The per-phase time-outs (connect, greeting, socket idle) do not bound a relay that answers slowly but keeps
    // answering; the deadline does. The abandoned send ends by those time-outs, holding nobody.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailFailure('unreachable')), this.deadlineMs);
    });
    try {
      await Promise.race([this.transport.sendMail({ from: this.config.from, ...mail }), deadline]);
    } catch (err) {
      throw err instanceof MailFailure ? err : new MailFailure(failureCode(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Node's codes for a peer certificate that did not verify or names another host. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function failureCode(err: unknown): MailFailureCode {
  const e = err as { code?: unknown; originalCode?: unknown; responseCode?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  // Implicit TLS keeps Node's code as `originalCode`; a STARTTLS upgrade keeps only its message.
  if (typeof e?.originalCode === 'string' && CERTIFICATE_CODES.has(e.originalCode)) return 'untrusted_certificate';
  if (
    (code === 'ETLS' || code === 'ESOCKET') &&
    /self[- ]signed certificate|unable to (verify|get (local )?issuer)|certificate (has expired|is not yet valid)|altnames/i.test(
      message,
    )
  ) {
    return 'untrusted_certificate';
  }
  if (code === 'ETLS' && /STARTTLS/i.test(message)) return 'tls_required';
  if (code === 'EAUTH') return 'auth';
  if (code === 'EENVELOPE' || (typeof e?.responseCode === 'number' && e.responseCode >= 500)) return 'rejected';
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED'].includes(code)) return 'unreachable';
  return 'failed';
}

/** The configured mailer: SMTP when `smtp` is set, none otherwise. */
export const mailerFor = (smtp: SmtpConfig | null, extraCaPem: string | undefined): Mailer =>
  smtp ? new SmtpMailer(smtp, extraCaPem) : new NoMailer();
