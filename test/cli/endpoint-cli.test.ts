import { Webhook } from 'standardwebhooks';
import { deliverOnce } from '../../src/cli/delivery-commands';
import { endpointEnabledText, setEndpointEnabled as endpointSetEnabled } from '../../src/cli/delivery-commands';
import { endpointAdd, endpointList, endpointReplay, endpointRotate } from '../../src/cli/endpoint-commands';
import { UsageError } from '../../src/cli/output';
import { ManualClock } from '../../src/platform/clock/clock';
import { DomainError } from '../../src/platform/errors/domain-error';
import { Receiver } from '../delivery/support/receiver';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';

/** `ordervault endpoint add|list|rotate-secret|disable|enable` and `replay` (the commands' functions, in-process). */
describe('CLI: endpoints and replay', () => {
  let t: TestApp;
  let receiver: Receiver;
  let tenantId: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenantId = await t.tenant('CLI endpoints');
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('adds an endpoint whose printed secret verifies what it is sent; rotates; disables and enables with a report', async () => {
    const added = await endpointAdd(t.app, { tenant: tenantId, url: receiver.url, payloadMode: 'thin' });
    expect(added.secret).toMatch(/^whsec_/);
    expect((await endpointList(t.app, tenantId)).map((e) => e.endpointId)).toEqual([added.endpointId]);
    await seedOrders(t.app, tenantId, 1, 1);
    await deliverOnce(t.app);
    const [first] = receiver.received;
    expect(() => new Webhook(added.secret).verify(first.body, first.headers as Record<string, string>)).not.toThrow();

    const rotated = await endpointRotate(t.app, added.endpointId, 60);
    expect(rotated.secret).not.toBe(added.secret);
    expect(rotated.previousSecretsExpireAt).toBe(new Date(t.clock.nowMs() + 60_000).toISOString());

    const off = await endpointSetEnabled(t.app, added.endpointId, false);
    expect(off).toMatchObject({ enabled: false, disabledReason: 'manual' });
    t.clock.advance(1000);
    await seedOrders(t.app, tenantId, 2, 10);
    await deliverOnce(t.app);
    const on = await endpointSetEnabled(t.app, added.endpointId, true);
    expect(on.missedWhileDisabled).toMatchObject({ since: off.disabledAt, notQueued: 2, failedOrGivenUp: 0 });
    expect(endpointEnabledText(on)).toContain(
      `ordervault replay --endpoint ${on.endpointId} --since ${off.disabledAt}`,
    );
    expect(await endpointReplay(t.app, added.endpointId, off.disabledAt!)).toMatchObject({
      status: 'done',
      replayed: 0,
      queued: 2,
    });
    await deliverOnce(t.app);
    expect(receiver.received).toHaveLength(3);

    // The access log names the commands as the actors.
    const auditor = await t.staff('auditor');
    const entries = await t.http().get('/v1/audit/entries').set(auditor.auth).set('X-Tenant-Id', tenantId).expect(200);
    const actors = (entries.body.items as Array<{ action: string; actor: { id: string } }>)
      .filter((e) => e.action.startsWith('endpoint.'))
      .map((e) => e.actor.id);
    expect(new Set(actors)).toEqual(
      new Set(['cli:endpoint-add', 'cli:endpoint-rotate-secret', 'cli:endpoint-disable', 'cli:endpoint-enable']),
    );
  });

  it('refuses bad input with usage errors, unknown endpoints and tenants as not found', async () => {
    const fail = (p: Promise<unknown>) => p.catch((e: unknown) => e);
    expect(await fail(endpointAdd(t.app, { tenant: 'x', url: receiver.url }))).toBeInstanceOf(UsageError);
    expect(
      await fail(endpointAdd(t.app, { tenant: tenantId, url: receiver.url, payloadMode: 'everything' })),
    ).toBeInstanceOf(UsageError);
    const badUrl = await fail(endpointAdd(t.app, { tenant: tenantId, url: 'ftp://example.com/x' }));
    expect((badUrl as DomainError).code).toBe('validation_failed');
    expect(await fail(endpointReplay(t.app, '00000000-0000-4000-8000-000000000000', 'yesterday'))).toBeInstanceOf(
      UsageError,
    );
    const unknown = await fail(endpointSetEnabled(t.app, '00000000-0000-4000-8000-000000000000', true));
    expect((unknown as DomainError).code).toBe('not_found');
    const noTenant = await fail(
      endpointAdd(t.app, { tenant: '00000000-0000-4000-8000-000000000000', url: receiver.url }),
    );
    expect((noTenant as DomainError).code).toBe('not_found');
  });
});
