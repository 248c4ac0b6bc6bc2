import { Client } from 'pg';
import type { DatabaseTarget } from './database-target';

/** Channel the outbox notifies on when events commit (payload: nothing; listeners look for due work). */
export const OUTBOX_CHANNEL = 'ordervault_outbox';

export interface NotificationListener {
  close(): Promise<void>;
}

/**
 * LISTENs on a channel over a connection of its own (a server database only;
 * embedded PGlite has one connection and its callers poll). `onNotify` runs for
 * every notification; `onLost` when the connection drops (callers fall back to
 * polling and may listen again). Returns null where listening is not possible.
 */
export async function listenForNotifications(
  target: DatabaseTarget,
  channel: string,
  onNotify: () => void,
  onLost: () => void,
): Promise<NotificationListener | null> {
  if (target.kind !== 'server') return null;
  const client = new Client({ connectionString: target.url });
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify();
  });
  let closing = false;
  client.on('error', () => {
    if (!closing) onLost();
  });
  client.on('end', () => {
    if (!closing) onLost();
  });
  await client.connect();
  await client.query(`LISTEN ${channel}`);
  return {
    close: async () => {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
