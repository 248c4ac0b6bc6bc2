import { promises as dns } from 'node:dns';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Turns a receiver's host name into addresses. The system resolver in service;
 * a fixed table where a test needs a name to resolve somewhere it cannot
 * (a public address, or public first and private next).
 */
export abstract class HostResolver {
  abstract resolve(host: string): Promise<ResolvedAddress[]>;
}

export class SystemHostResolver extends HostResolver {
  async resolve(host: string): Promise<ResolvedAddress[]> {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}
