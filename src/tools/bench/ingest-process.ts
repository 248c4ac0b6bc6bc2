import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { IngestWorkerReply, IngestWorkerRequest } from './ingest-worker';

export interface IngestRun {
  readonly orders: number;
  readonly seconds: number;
  readonly rate: number;
}

/** The parent's handle on `ingest-worker`: an ingest replica in its own process. */
export class IngestProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(init: Omit<Extract<IngestWorkerRequest, { type: 'init' }>, 'type'>): Promise<IngestProcess> {
    const child = fork(path.join(__dirname, 'ingest-worker.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const p = new IngestProcess(child);
    const ready = p.next('ready');
    p.send({ type: 'init', ...init });
    await ready;
    return p;
  }

  /** Ingests for `seconds`, or until `stop()`. */
  async run(seconds: number): Promise<IngestRun> {
    const result = this.next('result');
    this.send({ type: 'ingest', seconds });
    const r = (await result) as Extract<IngestWorkerReply, { type: 'result' }>;
    return { orders: r.orders, seconds: r.seconds, rate: r.orders / r.seconds };
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ type: 'exit' });
    await exited;
  }

  private send(m: IngestWorkerRequest): void {
    this.child.send(m);
  }

  private next(type: IngestWorkerReply['type']): Promise<IngestWorkerReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: IngestWorkerReply) => {
        if (m.type !== type) return;
        this.child.off('exit', onExit);
        this.child.off('message', onMessage);
        resolve(m);
      };
      const onExit = (code: number | null) => {
        this.child.off('message', onMessage);
        reject(new Error(`ingest process exited with ${code} while waiting for ${type}`));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }
}
