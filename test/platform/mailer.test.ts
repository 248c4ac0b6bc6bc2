import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { MailFailure, SmtpMailer, type OutgoingMail } from '../../src/platform/mail/mailer';
import { createLoopbackTls, type LoopbackTls } from '../../src/sandbox/tls/loopback-ca';
import { SmtpSink } from '../support/smtp-sink';

const MAIL: OutgoingMail = { to: 'ana@seller.example', subject: 'hello', text: 'hello', html: '<p>hello</p>' };
const FROM = 'ordervault <no-reply@ordervault.test>';

const failureOf = async (send: Promise<void>): Promise<string> => {
  try {
    await send;
    return 'sent';
  } catch (err) {
    if (err instanceof MailFailure) return err.code;
    throw err;
  }
};

/**
 * The SMTP adapter against real relays on loopback: a relay whose certificate does not verify gets nothing and is
 * named for what it is; a relay that keeps answering without ever finishing holds the sender no longer than the
 * send's deadline.
 */
describe('the SMTP mailer', () => {
  let tls: LoopbackTls;
  let sink: SmtpSink;

  beforeAll(async () => {
    tls = await createLoopbackTls();
    sink = await SmtpSink.start(tls);
  });
  afterAll(() => sink.close());

  it('sends nothing to a relay whose certificate it cannot verify, and says so', async () => {
    const url = new URL(`smtp://localhost:${sink.port}`);
    const untrusting = new SmtpMailer({ url, from: FROM, allowPlaintext: false }, undefined);
    expect(await failureOf(untrusting.send(MAIL))).toBe('untrusted_certificate');
    expect(sink.messages).toHaveLength(0);
    // The same relay, its CA trusted: the mail goes, encrypted.
    const trusting = new SmtpMailer({ url, from: FROM, allowPlaintext: false }, tls.caPem);
    expect(await failureOf(trusting.send(MAIL))).toBe('sent');
    expect(sink.messages.map((m) => [m.to, m.secure])).toEqual([[['ana@seller.example'], true]]);
  });

  it('gives up at its deadline on a relay that answers a line at a time and never finishes', async () => {
    // Greets, then answers EHLO with continuation lines forever: no time-out of a phase or of an idle socket fires.
    const sockets = new Set<net.Socket>();
    const timers = new Set<NodeJS.Timeout>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.write('220 slow.example ESMTP\r\n');
      socket.once('data', () => {
        const timer = setInterval(() => socket.write('250-slow.example still thinking\r\n'), 50);
        timers.add(timer);
        socket.on('close', () => clearInterval(timer));
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`smtp://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const mailer = new SmtpMailer({ url, from: FROM, allowPlaintext: true }, undefined, 500);
      expect(await failureOf(mailer.send(MAIL))).toBe('unreachable');
    } finally {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
