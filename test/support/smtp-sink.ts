import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the relay took it: envelope, whether the session was encrypted, and the raw message. */
export interface SunkMessage {
  readonly from: string;
  readonly to: string[];
  readonly secure: boolean;
  readonly raw: string;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps what it is sent. STARTTLS with the given
 * certificate; `offerStartTls(false)` makes it a relay that offers no encryption (read at each EHLO).
 */
export class SmtpSink {
  readonly messages: SunkMessage[] = [];
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(tls: { certPem: string; keyPem: string }): Promise<SmtpSink> {
    const messages: SunkMessage[] = [];
    const options: SMTPServerOptions = {
      secure: false,
      key: tls.keyPem,
      cert: tls.certPem,
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    };
    const server = new SMTPServer(options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = new SmtpSink(server, (server.server.address() as AddressInfo).port);
    (sink as { messages: SunkMessage[] }).messages = messages;
    return sink;
  }

  /** With `false`, neither advertises STARTTLS nor takes the command (read at each EHLO and command). */
  offerStartTls(offer: boolean): void {
    const options = (this.server as unknown as { options: SMTPServerOptions & { disabledCommands: string[] } }).options;
    options.hideSTARTTLS = !offer;
    options.disabledCommands = offer
      ? options.disabledCommands.filter((c) => c !== 'STARTTLS')
      : [...options.disabledCommands, 'STARTTLS'];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
