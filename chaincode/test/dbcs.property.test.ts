import fc from 'fast-check';
import { TestNetwork, UserName, testNetwork } from './network';
import { withEvents } from './helpers';
import { DAY, HOUR, iso, json } from './dbcs-fixture';

/**
 * Property: random sequences of every DBCS-SC operation (registries and their status, delegate
 * requests, authorizations, updates, revocations and refunds, contract publication and status,
 * signing requests, signatures, confirmations, cancellations, evidence and rulings) by random
 * callers with often-invalid arguments. After every step:
 * - the sum of balance + held over all accounts equals everything minted (money is conserved);
 * - each account's hold equals what the DBCS records say it should hold: its delegate deposits
 *   (not refunded), its contracts' publishing deposits still held, and for each open signing
 *   (REQUESTED, SIGNED, DISPUTED) the client's deposit and committed amount and the delegate's
 *   committed amount;
 * - each contract's and delegate's openSignings equals its number of open signings;
 * - a refused transaction commits nothing and emits nothing; a committed one emits exactly one event.
 */
const PEOPLE = ['bank', 'carol', 'alice', 'bob', 'dave', 'arbiter'] as const;
type Person = (typeof PEOPLE)[number];
const ISSUERS: Person[] = ['bank', 'carol'];
const MINT = 20_000n;

type Op =
  | { kind: 'requestDelegate'; by: Person; issuer: number }
  /** Delegate ops pick one of the delegate requests made so far (`pick`), or a stray person. */
  | { kind: 'addSalesManager'; pick: number; stray: Person | null; by: Person | null; expired: boolean }
  | { kind: 'updateDelegate'; pick: number; stray: Person | null; by: Person | null; expire: boolean }
  | { kind: 'removeSalesManager'; pick: number; stray: Person | null; by: Person | null }
  | { kind: 'salesManagerRefund'; pick: number; stray: Person | null }
  | { kind: 'registryStatus'; by: Person; issuer: number; active: boolean }
  | { kind: 'publish'; by: Person; clientDeposit: string; publishDeposit: string; client: number; delegate: number; penaltyBps: number }
  | { kind: 'contractStatus'; by: Person; pick: number; status: 'ACTIVE' | 'INACTIVE' | 'CLOSED' }
  /** The delegate is one that requested at the contract's issuer (`delegate` picks it), or a stray person. */
  | { kind: 'requestSigning'; by: Person; pick: number; delegate: number; stray: Person | null }
  | { kind: 'sign'; pick: number; who: number; k: number; skew: number }
  | { kind: 'confirm'; pick: number; anyone: Person | null; decision: 1 | 2 }
  | { kind: 'cancel'; pick: number; who: number }
  | { kind: 'evidence'; pick: number; by: Person }
  | { kind: 'rule'; pick: number; by: Person; fraud: boolean };

const person = fc.constantFrom(...PEOPLE);
const issuerIndex = fc.nat({ max: 1 });
/** Mostly null (use the picked record's party); sometimes a random person. */
const stray = fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: person });
const smallAmount = fc.oneof(
  { weight: 5, arbitrary: fc.bigInt(1n, 3000n).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-5', '1.5', '999999999') },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('requestDelegate' as const), by: person, issuer: issuerIndex }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('addSalesManager' as const), pick: fc.nat(), stray, by: stray, expired: fc.constantFrom(false, false, false, true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('updateDelegate' as const), pick: fc.nat(), stray, by: stray, expire: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeSalesManager' as const), pick: fc.nat(), stray, by: stray }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('salesManagerRefund' as const), pick: fc.nat(), stray }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('registryStatus' as const), by: fc.constantFrom<Person>('bank', 'carol', 'alice'), issuer: issuerIndex, active: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('publish' as const),
      by: fc.constantFrom<Person>('bank', 'carol', 'bank', 'carol', 'dave'),
      clientDeposit: smallAmount,
      publishDeposit: smallAmount,
      client: fc.integer({ min: 1, max: 9 }),
      delegate: fc.integer({ min: 1, max: 3 }),
      penaltyBps: fc.constantFrom(10000, 10000, 5000, 2500),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('contractStatus' as const), by: fc.constantFrom<Person>('bank', 'carol', 'bob'), pick: fc.nat(), status: fc.constantFrom<'ACTIVE' | 'INACTIVE' | 'CLOSED'>('ACTIVE', 'INACTIVE', 'CLOSED') }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('requestSigning' as const), by: person, pick: fc.nat(), delegate: fc.nat(), stray }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('sign' as const), pick: fc.nat(), who: fc.nat({ max: 5 }), k: fc.integer({ min: 1, max: 400 }), skew: fc.constantFrom(0, 0, 0, 0, 0, 1) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('confirm' as const),
      pick: fc.nat(),
      anyone: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: person }),
      decision: fc.constantFrom<1 | 2>(1, 2, 2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), who: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('evidence' as const), pick: fc.nat(), by: person }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('rule' as const), pick: fc.nat(), by: fc.constantFrom<Person>('arbiter', 'arbiter', 'arbiter', 'bob', 'bank'), fraud: fc.boolean() }) },
);

interface World {
  net: TestNetwork;
  contracts: { id: string; issuer: Person }[];
  requests: { issuer: Person; manager: Person }[];
  signings: { id: string; contract: string; client: Person; delegate: Person }[];
  /** Signings whose client reported fraud: rulings and evidence mostly pick these. */
  disputes: { id: string; contract: string; client: Person; delegate: Person }[];
  minted: bigint;
  seq: number;
}

const personOf = (w: World, account: string): Person => PEOPLE.find((p) => w.net.account[p] === account)!;

async function setup(): Promise<World> {
  const net = await testNetwork();
  await net.submit('admin3', 'consortium:grantRole', net.account.carol, 'issuer');
  for (const p of PEOPLE) await net.submit('bank', 'accounts:mint', net.account[p], MINT.toString());
  await net.submit('bank', 'delegates:createRegistry', net.account.bank, json({ delegateDeposit: '300' }));
  await net.submit('carol', 'delegates:createRegistry', net.account.carol, json({ delegateDeposit: '200' }));
  await net.submit('admin1', 'investment:setSettings', json({ penaltyShareBps: 2500 }));
  // A head start so short sequences reach signings and disputes: one delegate and one contract per issuer.
  const w: World = { net, contracts: [], requests: [], signings: [], disputes: [], minted: MINT * BigInt(PEOPLE.length), seq: 0 };
  for (const [issuer, manager, deposit] of [['bank', 'alice', '3000'], ['carol', 'dave', '500']] as [Person, Person, string][]) {
    await net.submit(manager, 'delegates:requestDelegate', net.account[issuer], '{}');
    await net.submit(issuer, 'delegates:addSalesManager', net.account[issuer], net.account[manager], json({ qualification: 'q', validUntil: iso(DAY) }));
    const c = await net.submit(issuer, 'investment:publishContract', json({ name: 'n', content: 'c', clientDeposit: '100', publishDeposit: deposit, ratio: { client: 9, delegate: 1 } }));
    w.requests.push({ issuer, manager });
    w.contracts.push({ id: c.id, issuer });
  }
  return w;
}

/** The transaction an operation submits: [caller, function, ...args]. */
async function transactionOf(w: World, o: Op): Promise<[UserName, string, ...string[]] | undefined> {
  const { net } = w;
  const acct = (p: Person) => net.account[p];
  const signing = w.signings.length ? w.signings[(o as { pick: number }).pick % w.signings.length] : undefined;
  const disputed = w.disputes.length ? w.disputes[(o as { pick: number }).pick % w.disputes.length] : signing;
  const request = w.requests.length ? w.requests[(o as { pick: number }).pick % w.requests.length] : { issuer: 'bank' as Person, manager: 'alice' as Person };
  /** `delegates:<fn>` on the picked request with a JSON body: by `by` (default its issuer), naming `stray` (default its manager). */
  const onRequest = (fn: string, by: Person | null, strayManager: Person | null, body: object): [UserName, string, ...string[]] => [
    by ?? request.issuer,
    `delegates:${fn}`,
    acct(request.issuer),
    acct(strayManager ?? request.manager),
    json(body),
  ];
  switch (o.kind) {
    case 'requestDelegate':
      return [o.by, 'delegates:requestDelegate', acct(ISSUERS[o.issuer]), '{}'];
    case 'addSalesManager':
      return onRequest('addSalesManager', o.by, o.stray, { qualification: 'q', validFrom: iso(-HOUR), validUntil: o.expired ? iso(-1000) : iso(DAY) });
    case 'updateDelegate':
      return onRequest('updateDelegate', o.by, o.stray, o.expire ? { validFrom: iso(-2 * HOUR), validUntil: iso(-HOUR) } : { note: 'n' });
    case 'removeSalesManager':
      return onRequest('removeSalesManager', o.by, o.stray, {});
    case 'salesManagerRefund':
      return [o.stray ?? request.manager, 'delegates:salesManagerRefund', acct(request.issuer), acct(request.manager)];
    case 'registryStatus':
      return [o.by, 'delegates:changeRegistryStatus', acct(ISSUERS[o.issuer]), json({ status: o.active ? 'ACTIVE' : 'INACTIVE' })];
    case 'publish':
      return [
        o.by,
        'investment:publishContract',
        json({ id: `c${w.seq++}`, name: 'n', content: 'c', clientDeposit: o.clientDeposit, publishDeposit: o.publishDeposit, ratio: { client: o.client, delegate: o.delegate }, penaltyShareBps: o.penaltyBps }),
      ];
    case 'contractStatus':
      if (!w.contracts.length) return undefined;
      return [o.by, 'investment:changeContractStatus', w.contracts[o.pick % w.contracts.length].id, json({ status: o.status })];
    case 'requestSigning': {
      if (!w.contracts.length) return undefined;
      const c = w.contracts[o.pick % w.contracts.length];
      const candidates = w.requests.filter((r) => r.issuer === c.issuer).map((r) => r.manager);
      const delegate = o.stray ?? (candidates.length ? candidates[o.delegate % candidates.length] : 'alice');
      return [o.by, 'investment:requestSigning', c.id, json({ id: `s${w.seq++}`, delegate: acct(delegate) })];
    }
    case 'sign': {
      if (!signing) return undefined;
      const parties: Person[] = [signing.client, signing.delegate, signing.client, signing.delegate, 'dave', 'bank'];
      const by = parties[o.who];
      const c = await net.evaluate('arbiter', 'investment:getContract', signing.contract);
      const parts = by === signing.delegate ? c.ratio.delegate : c.ratio.client;
      return [by, 'investment:signedByEntity', signing.contract, signing.id, String(o.k * parts + o.skew)];
    }
    case 'confirm':
      if (!signing) return undefined;
      return [o.anyone ?? signing.client, 'investment:contractConfirmed', signing.contract, signing.id, json({ decision: o.decision })];
    case 'cancel':
      if (!signing) return undefined;
      return [([signing.client, signing.delegate, 'bank', 'dave'] as Person[])[o.who], 'investment:cancelSigning', signing.contract, signing.id, '{}'];
    case 'evidence':
      if (!disputed) return undefined;
      return [o.by, 'investment:submitEvidence', disputed.id, json({ text: 'e' })];
    case 'rule':
      if (!disputed) return undefined;
      return [o.by, 'investment:disputeArbitration', disputed.id, json({ ruling: o.fraud ? 'FRAUD' : 'NO_FRAUD', reason: 'r' })];
  }
}

async function listAll(net: TestNetwork, fn: string, ...args: string[]): Promise<any[]> {
  const out: any[] = [];
  let bookmark = '';
  for (;;) {
    const page = await net.evaluate('arbiter', fn, ...args, '100', bookmark);
    out.push(...page.records);
    bookmark = page.bookmark;
    if (!bookmark) return out;
  }
}

async function checkInvariants(w: World): Promise<void> {
  const { net } = w;
  const expectedHeld = new Map<string, bigint>();
  const add = (account: string, amount: string | undefined) => {
    if (amount) expectedHeld.set(account, (expectedHeld.get(account) ?? 0n) + BigInt(amount));
  };
  const delegates = [...(await listAll(net, 'delegates:listDelegates', net.account.bank)), ...(await listAll(net, 'delegates:listDelegates', net.account.carol))];
  for (const d of delegates) if (d.depositHeld) add(d.manager, d.deposit);
  const contracts = await listAll(net, 'investment:listContracts', '');
  for (const c of contracts) add(c.issuer, c.publishDepositHeld);
  const open = new Map<string, number>();
  const bump = (key: string) => open.set(key, (open.get(key) ?? 0) + 1);
  for (const s of w.signings) {
    const record = await net.evaluate('arbiter', 'investment:getSigning', s.contract, s.id);
    if (['REQUESTED', 'SIGNED', 'DISPUTED'].includes(record.status)) {
      add(record.client, record.deposit);
      add(record.client, record.clientAmount);
      add(record.delegate, record.delegateAmount);
      bump(`c:${record.contractId}`);
      bump(`d:${record.issuer}:${record.delegate}`);
    }
  }
  let total = 0n;
  for (const p of PEOPLE) {
    const a = await net.evaluate(p, 'accounts:getOwnAccount');
    total += BigInt(a.balance) + BigInt(a.held);
    expect({ who: p, held: BigInt(a.held) }).toEqual({ who: p, held: expectedHeld.get(a.id) ?? 0n });
  }
  expect(total).toBe(w.minted);
  for (const c of contracts) expect({ contract: c.id, open: c.openSignings }).toEqual({ contract: c.id, open: open.get(`c:${c.id}`) ?? 0 });
  for (const d of delegates) expect({ delegate: d.manager, open: d.openSignings }).toEqual({ delegate: d.manager, open: open.get(`d:${d.issuer}:${d.manager}`) ?? 0 });
}

test('DBCS-SC conserves money and keeps holds equal to deposits and commitments', async () => {
  let committed = 0;
  let refused = 0;
  const committedBy = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 15, maxLength: 60, size: 'medium' }), async (ops) => {
      const w = await setup();
      try {
        for (const o of ops) {
          const tx = await transactionOf(w, o);
          if (!tx) continue;
          const [as, fn, ...args] = tx;
          const height = w.net.ledger.blockHeight;
          const { result, events } = await withEvents(w.net, () =>
            w.net.submit(as, fn, ...args).then(
              (value) => ({ ok: true as const, value }),
              (error: Error) => ({ ok: false as const, error }),
            ),
          );
          if (result.ok) {
            committed++;
            committedBy.set(fn, (committedBy.get(fn) ?? 0) + 1);
            expect(events.length).toBe(1);
            if (fn === 'investment:publishContract') w.contracts.push({ id: result.value.id, issuer: as as Person });
            if (fn === 'investment:contractConfirmed' && result.value.dispute) w.disputes.push(w.signings.find((x) => x.id === result.value.signing.id)!);
            if (fn === 'delegates:requestDelegate') w.requests.push({ issuer: personOf(w, result.value.issuer), manager: as as Person });
            if (fn === 'investment:requestSigning') {
              const s = result.value;
              w.signings.push({ id: s.id, contract: s.contractId, client: personOf(w, s.client), delegate: personOf(w, s.delegate) });
            }
          } else {
            refused++;
            if (process.env.DBCS_DEBUG) console.log(fn, as, result.error.message);
            expect(result.error.name).toBe('ChaincodeError');
            expect(events).toEqual([]);
            expect(w.net.ledger.blockHeight).toBe(height);
          }
          await checkInvariants(w);
        }
      } finally {
        await w.net.close();
      }
    }),
    { numRuns: 40 },
  );
  // The generator must exercise both paths substantially.
  expect(committed).toBeGreaterThan(100);
  expect(refused).toBeGreaterThan(50);
  for (const fn of ['delegates:addSalesManager', 'investment:requestSigning', 'investment:signedByEntity', 'investment:contractConfirmed', 'investment:disputeArbitration']) {
    expect({ fn, committed: (committedBy.get(fn) ?? 0) > 0 }).toEqual({ fn, committed: true });
  }
  if (process.env.DBCS_DEBUG) console.log(Object.fromEntries([...committedBy].sort()));
}, 300_000);
