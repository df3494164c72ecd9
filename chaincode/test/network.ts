import { MemoryLevel } from 'memory-level';
import { EmbeddedLedger, ChaincodeError, SigningIdentity, NodeOu, OrgCa, createOrgCa, issueIdentity } from '@covenant/embedded-ledger';
import type { ErrorCode } from '../src/shared/errors';

/**
 * A three-organisation test consortium over a fresh in-memory embedded ledger: the chaincode's
 * contracts run through fabric-contract-api's dispatch exactly as the gateway runs them.
 * Certificates are made once per test file and reused by every ledger.
 */
export const USERS = {
  bank: ['Org1MSP', 'client'],
  alice: ['Org1MSP', 'client'],
  bob: ['Org2MSP', 'client'],
  carol: ['Org3MSP', 'client'],
  dave: ['Org2MSP', 'client'],
  arbiter: ['Org3MSP', 'client'],
  admin1: ['Org1MSP', 'admin'],
  admin2: ['Org2MSP', 'admin'],
  admin3: ['Org3MSP', 'admin'],
} as const satisfies Record<string, [string, NodeOu]>;
export type UserName = keyof typeof USERS;

let identities: Promise<Record<UserName, SigningIdentity>> | undefined;

function makeIdentities(): Promise<Record<UserName, SigningIdentity>> {
  identities ??= (async () => {
    const cas = new Map<string, OrgCa>();
    for (const msp of ['Org1MSP', 'Org2MSP', 'Org3MSP']) cas.set(msp, await createOrgCa(msp));
    const out = {} as Record<UserName, SigningIdentity>;
    for (const [name, [msp, ou]] of Object.entries(USERS) as [UserName, [string, NodeOu]][]) {
      const issued = await issueIdentity(cas.get(msp)!, name, ou);
      out[name] = { name, mspId: msp, ...issued };
    }
    return out;
  })();
  return identities;
}

export interface TestNetwork {
  ledger: EmbeddedLedger;
  ids: Record<UserName, SigningIdentity>;
  /** Account id of each user (after `registerAll`). */
  account: Record<UserName, string>;
  submit<T = any>(as: UserName, fn: string, ...args: string[]): Promise<T>;
  evaluate<T = any>(as: UserName, fn: string, ...args: string[]): Promise<T>;
  /** The refusal code of a submit that must fail. */
  refusal(as: UserName, fn: string, ...args: string[]): Promise<ErrorCode>;
  close(): Promise<void>;
}

const decode = (bytes: Uint8Array) => {
  const text = Buffer.from(bytes).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
};

/**
 * A fresh ledger, initialised with bank as issuer and arbiter as arbitrator, with every user's
 * account registered (unless `register` is false).
 */
export async function testNetwork({ register = true, threshold }: { register?: boolean; threshold?: number } = {}): Promise<TestNetwork> {
  const ids = await makeIdentities();
  const ledger = await new EmbeddedLedger(new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as never).open();
  const net: TestNetwork = {
    ledger,
    ids,
    account: {} as Record<UserName, string>,
    async submit(as, fn, ...args) {
      return decode((await ledger.submit(ids[as], fn, args)).payload);
    },
    async evaluate(as, fn, ...args) {
      return decode(await ledger.evaluate(ids[as], fn, args));
    },
    async refusal(as, fn, ...args) {
      try {
        await ledger.submit(ids[as], fn, args);
      } catch (err) {
        if (err instanceof ChaincodeError) return err.code;
        throw err;
      }
      throw new Error(`${fn} by ${as} was expected to be refused but committed`);
    },
    close: () => ledger.close(),
  };
  const seed = {
    members: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
    escrowActiveThreshold: threshold,
    roles: [
      { mspId: 'Org1MSP', certificate: ids.bank.certificate, roles: ['issuer'] },
      { mspId: 'Org3MSP', certificate: ids.arbiter.certificate, roles: ['arbitrator'] },
    ],
  };
  await net.submit('admin1', 'consortium:init', JSON.stringify(seed));
  if (register) {
    for (const name of Object.keys(USERS) as UserName[]) {
      net.account[name] = (await net.submit(name, 'accounts:register')).account.id;
    }
  }
  return net;
}
