import type { TestApp, AuthHeader } from '../../support/test-app';
import { waitFor } from './receiver';

/** Starts a replay over the API and waits (bounded) until its progress says done; returns the final view. */
export async function replayUntilDone(
  t: TestApp,
  owner: AuthHeader,
  path: string,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const started = (await t.http().post(path).query(query).set(owner).expect(202)).body;
  expect(started).toMatchObject({
    status: 'queued',
    replayed: 0,
    queued: 0,
    links: { self: `/v1/replays/${started.replayId}` },
  });
  let last: Record<string, unknown> = started;
  await waitFor(async () => {
    last = (await t.http().get(started.links.self).set(owner).expect(200)).body;
    return last.status === 'done';
  }, `replay ${started.replayId} to finish`);
  return last;
}
