/**
 * The paper benches' set-up: the three organisations' gateways on one embedded ledger
 * (test/support/gateway.ts, perOrg), each behind a link (link.ts) that the other gateways reach
 * it through, and the shared ledger behind a block clock (block-clock.ts). `measure` runs one
 * stage of a protocol and returns what it cost: off-chain messages and distinct signatures that
 * crossed the links, on-chain transactions (ledger height delta, and the submits by function),
 * and its wall time.
 */
import { TEST_LEDGER, TestGateway, UserClient, registerAll, startTestGateway } from '../../support/gateway';
import { BlockClockLedger } from './block-clock';
import { Link, LinkTally, startLink } from './link';

/** What one stage cost. */
export interface StageCost {
  /** Off-chain messages (requests + answers) between gateways. */
  messages: number;
  /** Messages by the request's type. */
  byType: Record<string, number>;
  /** Distinct parties' signatures the stage used: carried by those messages or by its transactions. */
  signatures: number;
  /** Of those, carried by the off-chain messages. */
  offchainSignatures: number;
  /** On-chain transactions: the ledger's height delta. */
  onchain: number;
  /** Committed submits by transaction function. */
  functions: Record<string, number>;
  /** Wall time of the stage, milliseconds. */
  ms: number;
}

/** A running consortium for the paper benches. */
export interface Consortium {
  gw: TestGateway;
  /** Account ids of the registered users. */
  id: Record<string, string>;
  ledger: BlockClockLedger;
  /** The link delay each way, milliseconds (read at each message). */
  delay: { ms: number };
  as(name: string): UserClient;
  /** Runs `stage` and returns its result and what it cost (counts reset before it). */
  measure<T>(stage: () => Promise<T>): Promise<{ result: T; cost: StageCost }>;
  close(): Promise<void>;
}

/**
 * Starts the consortium with `users` registered and `minted` minor units in their accounts (no
 * block time, no link delay during set-up). Embedded ledger only: the block clock and the height
 * need the in-process ledger.
 */
export async function startConsortium(users: string[], minted: Record<string, string>): Promise<Consortium> {
  if (TEST_LEDGER !== 'embedded') throw new Error('the paper benches run on the embedded ledger (COVENANT_TEST_LEDGER=embedded)');
  const tally = new LinkTally();
  const delay = { ms: 0 };
  const links: Link[] = [];
  let ledger: BlockClockLedger | undefined;
  const gw = await startTestGateway(undefined, {
    perOrg: true,
    wrapLedger: (inner) => (ledger = new BlockClockLedger(inner)),
    peerUrl: async (_mspId, url) => {
      const link = await startLink(url, tally, delay);
      links.push(link);
      return link.url;
    },
  });
  const id = await registerAll(gw, users);
  for (const [name, amount] of Object.entries(minted)) {
    const res = await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount });
    if (res.status !== 200) throw new Error(`mint ${amount} to ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const clock = ledger!;
  return {
    gw,
    id,
    ledger: clock,
    delay,
    as: (name) => gw.as(name),
    async measure(stage) {
      tally.reset();
      clock.take();
      const height = clock.height;
      const started = process.hrtime.bigint();
      const result = await stage();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const counts = tally.reset();
      const onchain = clock.take();
      return {
        result,
        cost: {
          messages: LinkTally.total(counts),
          byType: counts.messages,
          signatures: new Set([...counts.signatures, ...onchain.signatures]).size,
          offchainSignatures: counts.signatures.size,
          onchain: Number(clock.height - height),
          functions: onchain.functions,
          ms,
        },
      };
    },
    async close() {
      await gw.close();
      for (const l of links) await l.close();
    },
  };
}

/** Throws unless `res.status` is one of `ok`, naming `what`. */
export function expectStatus(res: { status: number; body: unknown }, what: string, ...ok: number[]): void {
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}
