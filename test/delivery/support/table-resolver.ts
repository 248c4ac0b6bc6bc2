import { isIP } from 'node:net';
import { HostResolver, type ResolvedAddress } from '../../../src/delivery/outbound/host-resolver';

/**
 * A resolver answering from a table, for names that must resolve somewhere a
 * test cannot make real DNS answer: a public address, or one thing first and
 * another after (a rebinding DNS server). Each name's answers are used in turn,
 * the last one repeating.
 */
export class TableResolver extends HostResolver {
  readonly asked: string[] = [];
  private readonly answers: Map<string, string[][]>;

  constructor(table: Record<string, string[] | string[][]>) {
    super();
    this.answers = new Map(
      Object.entries(table).map(([host, a]) => [host, Array.isArray(a[0]) ? (a as string[][]) : [a as string[]]]),
    );
  }

  async resolve(host: string): Promise<ResolvedAddress[]> {
    this.asked.push(host);
    const queue = this.answers.get(host);
    if (!queue) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const next = queue.length > 1 ? queue.shift()! : queue[0];
    return next.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  }
}
