import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebhookClient } from '../../src/delivery/dispatch/webhook-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A receiver on loopback speaking HTTP/1.1 by hand: it answers 204 and keeps the connection open, except where
 * `drop(nth)` says to close the connection without answering its nth request (0-based), as a server closing an idle
 * connection does when a request crosses its close.
 */
class HandReceiver {
  readonly requests: Array<{ connection: number; webhookId: string }> = [];
  drop: (nth: number) => boolean = (nth) => nth > 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private connections = 0;

  constructor() {
    this.server = net.createServer((socket) => {
      const connection = ++this.connections;
      this.sockets.add(socket);
      let seen = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        for (;;) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffered.slice(0, end);
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          buffered = buffered.slice(end + 4 + length);
          const webhookId = /webhook-id: *([^\r\n]+)/i.exec(head)?.[1] ?? '';
          this.requests.push({ connection, webhookId });
          if (this.drop(seen++)) {
            socket.destroy();
            return;
          }
          socket.write('HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('the webhook client', () => {
  let t: TestApp;
  let receiver: HandReceiver;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    receiver = new HandReceiver();
    url = await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const send = (id: string) =>
    t.app.get(WebhookClient).send({ url, body: '{"type":"ping"}', headers: { 'webhook-id': id } });

  it('sends again at once, on a new connection, when the receiver closed a reused one without answering', async () => {
    expect(await send('msg_1')).toMatchObject({ result: 'ok', statusCode: 204 });
    // The kept-alive connection is reused and closed unanswered; the same message goes out on a fresh one.
    expect(await send('msg_2')).toMatchObject({ result: 'ok', statusCode: 204 });
    expect(receiver.requests).toEqual([
      { connection: 1, webhookId: 'msg_1' },
      { connection: 1, webhookId: 'msg_2' },
      { connection: 2, webhookId: 'msg_2' },
    ]);
  });

  it('tries again once only, and never after a fresh connection failed', async () => {
    receiver.drop = () => true;
    const before = receiver.requests.length;
    // msg_3 reuses connection 2 (dropped), then goes out on a new connection (dropped too): one attempt, failed.
    expect(await send('msg_3')).toMatchObject({ result: 'connection', statusCode: null });
    // No connection is left to reuse: msg_4 goes out on a new one, is dropped, and is not sent again.
    expect(await send('msg_4')).toMatchObject({ result: 'connection', statusCode: null });
    expect(receiver.requests.slice(before)).toEqual([
      { connection: 2, webhookId: 'msg_3' },
      { connection: 3, webhookId: 'msg_3' },
      { connection: 4, webhookId: 'msg_4' },
    ]);
  });
});
