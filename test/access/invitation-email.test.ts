import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SellerUsersService } from '../../src/access/people/seller-users.service';
import { SELLER_SCOPES } from '../../src/auth';
import { createLoopbackTls } from '../../src/sandbox/tls/loopback-ca';
import { acceptInvitation, ORIGIN, signIn } from '../support/console-people';
import { SmtpSink } from '../support/smtp-sink';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/** The decoded text part of a raw message (quoted-printable soft breaks undone). */
const textOf = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * Invitation links by email through a real SMTP relay (smtp-server on loopback, STARTTLS with a certificate of a
 * throwaway CA the service trusts through NODE_EXTRA_CA_CERTS): sent after the invitation commits, the link works,
 * nothing of the address or link in the logs; a relay without encryption gets nothing and the link is still
 * handed over; a bad address is a 400 and creates nothing.
 */
describe('invitation links sent by email', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let dir: string;
  let tenant: string;
  let owner: AuthHeader;

  beforeAll(async () => {
    const tls = await createLoopbackTls();
    sink = await SmtpSink.start(tls);
    dir = mkdtempSync(path.join(os.tmpdir(), 'ovt-smtp-'));
    writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
    t = await startTestApp({
      env: {
        SMTP_URL: `smtp://localhost:${sink.port}`,
        SMTP_FROM: 'ordervault <no-reply@ordervault.test>',
        NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      },
    });
    tenant = await t.tenant('Mailing Seller GmbH');
    // Every seller scope: nobody gives a role with scopes they do not hold.
    owner = (await t.seller(tenant, [...SELLER_SCOPES])).auth;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invite = (body: Record<string, unknown>) => t.http().post('/v1/invitations').set(owner).send(body);
  const invitationCount = async () => (await t.app.get(SellerUsersService).listInvitations(tenant)).length;

  it('sends the link over STARTTLS after the invitation commits, and the link works', async () => {
    const res = await invite({ role: 'member', email: 'ana@seller.example' }).expect(201);
    expect(res.body.email).toEqual({ sent: true, problem: null });
    expect(res.body.link).toMatch(/\/console\/invitations\/[A-Za-z0-9_-]{43}$/);

    expect(sink.messages).toHaveLength(1);
    const [message] = sink.messages;
    expect(message).toMatchObject({ from: 'no-reply@ordervault.test', to: ['ana@seller.example'], secure: true });
    const text = textOf(message.raw);
    expect(text).toContain('Subject: Your invitation to Mailing Seller GmbH on ordervault');
    expect(text).toContain(res.body.link);
    expect(text).toContain('as member');

    // The emailed link is the real thing: the invitee accepts with it and signs in.
    const person = await acceptInvitation(t, res.body.link, 'ana@seller.example');
    await signIn(t, person);

    // Neither the address nor the link reaches the logs or the access log.
    expect(t.logs.text()).not.toContain('ana@seller.example');
    expect(t.logs.text()).not.toContain(res.body.link.split('/').pop());
    const entries = await t.http().get('/v1/audit/entries?action=invitation.created').set(owner);
    expect(JSON.stringify(entries.body)).not.toContain('ana@seller.example');
    expect(JSON.stringify(entries.body)).toContain('(link also sent by email)');
  });

  it('sends nothing to a relay that offers no encryption, and still hands the link over', async () => {
    sink.offerStartTls(false);
    try {
      const before = sink.messages.length;
      const res = await invite({ role: 'viewer', email: 'bo@seller.example' }).expect(201);
      expect(res.body.email).toEqual({ sent: false, problem: 'tls_required' });
      expect(res.body.link).toMatch(/\/console\/invitations\//);
      expect(sink.messages).toHaveLength(before);
      expect(t.logs.text()).toContain('invitation email not sent');
      expect(t.logs.text()).not.toContain('bo@seller.example');
    } finally {
      sink.offerStartTls(true);
    }
  });

  it('refuses an address that is not one mailbox with a 400 naming the field, creating nothing', async () => {
    const before = await invitationCount();
    for (const bad of [
      'not-an-address',
      'ana@seller.example, eve@evil.example',
      'Ana <ana@seller.example>',
      'ana@seller.example\r\nBcc: eve@evil.example',
      `${'a'.repeat(250)}@x.example`,
      42,
    ]) {
      const res = await invite({ role: 'member', email: bad });
      expect([String(bad).slice(0, 30), res.status]).toEqual([String(bad).slice(0, 30), 400]);
      expect(JSON.stringify(res.body)).toContain('email');
    }
    expect(await invitationCount()).toBe(before);
  });

  it('offers the address on the console form and says what happened', async () => {
    const users = t.app.get(SellerUsersService);
    const admin = await signIn(
      t,
      await acceptInvitation(t, (await users.invite(TEST_ACTOR, tenant, 'owner')).link, 'owner@mailing.example'),
    );
    const page = await t.http().get('/console/users').set('Cookie', admin.cookie).expect(200);
    expect(page.text).toContain('name="email" type="email"');
    const before = sink.messages.length;
    const created = await t
      .http()
      .post('/console/users/invitations')
      .set('Origin', ORIGIN)
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ _csrf: admin.csrf, role: 'viewer', email: 'cy@seller.example' })
      .expect(201);
    expect(created.text).toContain('It was also sent by email to the address you gave.');
    expect(sink.messages.slice(before).map((m) => m.to)).toEqual([['cy@seller.example']]);
    // A blank address is no address: the link only, as without a relay.
    const blank = await t
      .http()
      .post('/console/users/invitations')
      .set('Origin', ORIGIN)
      .set('Cookie', admin.cookie)
      .type('form')
      .send({ _csrf: admin.csrf, role: 'viewer', email: '' })
      .expect(201);
    expect(blank.text).not.toContain('by email');
  });
});
