import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { TSchema, Type } from '@sinclair/typebox';
import { MspId, SeriesKind, Serial, SwapFlow } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import type { ScripCustomer } from '../scrip/customer';
import type { FlowResult, WalletEntry } from '../scrip/wallet-store';
import { AccountId, PositiveAmount, RecordId, Timestamp, TxId } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';

const TAGS = ['scrip'];

/** Most bytes of a purchase's `order` (its JSON), sealed for the vendor. */
export const MAX_ORDER_BYTES = 4096;

/**
 * What a purchase buys, sealed for the vendor: a text, or an object of text, integer and boolean
 * fields (no floats: quantities and amounts are integers, as everywhere in Covenant, and the
 * request's idempotency fingerprint is canonical JSON, which refuses them).
 */
const Order = Type.Union(
  [
    Type.String({ maxLength: MAX_ORDER_BYTES }),
    Type.Object({}, { additionalProperties: Type.Union([Type.String({ maxLength: 1024 }), Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }), Type.Boolean()]), maxProperties: 32 }),
  ],
  { description: 'What is bought: a text or an object of text, integer and boolean fields; sealed for the vendor' },
);

const SERIAL_EXAMPLE = '03715e3235bd841b8dbdb50093f22b1ad75c25877a70341c8213ef5eef7b56fd';

/** A scrip in the caller's wallet, as the routes show it (no holder key, no signature). */
const WalletScrip = Type.Object({
  serial: Serial,
  series: RecordId,
  kind: SeriesKind,
  issuer: AccountId,
  issuerMspId: MspId,
  value: PositiveAmount,
  spendBy: Timestamp,
  renewBy: Timestamp,
  status: Type.Union([Type.Literal('pending'), Type.Literal('unspent'), Type.Literal('spent')], {
    description: 'pending: requested, not yet known issued (retry the request with its Idempotency-Key, or reconcile); unspent: issued, its issuer signature verified; spent',
  }),
  txId: Type.Optional(TxId),
  issuedAt: Type.Optional(Timestamp),
});

const FlowAnswer = Type.Object({
  txId: TxId,
  flow: SwapFlow,
  issued: Type.Array(WalletScrip, { description: 'The scrip issued to the caller (new one-time holder keys kept by this gateway), in request order' }),
  spent: Type.Array(Serial, { description: "The caller's scrip spent" }),
  receipt: Type.Optional(Type.Unknown({ description: 'The issuer\'s receipt (covenant.scrip.receipt/v1), sealed to a one-time key of this request and opened here' })),
});

const WalletAnswer = Type.Object({
  records: Type.Array(WalletScrip),
  total: Type.String({ pattern: '^(0|[1-9][0-9]*)$', description: 'Sum of the unspent scrip values, minor units' }),
});

/** The view of a wallet entry: what the caller may see of it. */
function view(e: WalletEntry) {
  return {
    serial: e.serial,
    series: e.series,
    kind: e.kind,
    issuer: e.issuer,
    issuerMspId: e.issuerMspId,
    value: e.value,
    spendBy: e.spendBy,
    renewBy: e.renewBy,
    status: e.status,
    ...(e.txId ? { txId: e.txId } : {}),
    ...(e.issuedAt ? { issuedAt: e.issuedAt } : {}),
  };
}

const answer = (r: FlowResult) => ({ txId: r.txId, flow: r.flow, issued: r.issued.map(view), spent: r.spent, ...(r.receipt === undefined ? {} : { receipt: r.receipt }) });

/** The request's Idempotency-Key (its retries resend the same swap), or a fresh one. */
const keyOf = (request: FastifyRequest) => {
  const header = request.headers['idempotency-key'];
  return typeof header === 'string' ? header : randomUUID();
};

const COMMON =
  'The caller\'s gateway keeps its one-time holder keys and scrip durably and stores the request before sending it to the issuer\'s gateway (scrip protocol, gateway/src/scrip/protocol.ts): a retry with the same Idempotency-Key resends the same swap, which the ledger applies once. 201 `{txId, flow, issued, spent, receipt}`, every issued scrip\'s issuer signature verified. Refusals keep the issuer\'s code: 409 DOUBLE_SPEND (a serial already spent), 409 SCRIP_EXPIRED (past its spend-by date: renew it), 403 FORBIDDEN, 404 NOT_FOUND (series or scrip), 409 FAILED_PRECONDITION (the wallet does not allow it, the series does not issue), 422 INSUFFICIENT_FUNDS; 503 the issuer\'s gateway is unreachable (retry with the same Idempotency-Key).';

interface FlowRoute {
  url: string;
  operationId: string;
  summary: string;
  description: string;
  body: TSchema;
  run: (customer: ScripCustomer, request: FastifyRequest) => Promise<FlowResult>;
}

const body = (properties: Record<string, TSchema>, example: Record<string, unknown>) => Type.Object(properties, { additionalProperties: false, examples: [example] });

const FLOWS: FlowRoute[] = [
  {
    url: '/scrip/buy',
    operationId: 'buyScrip',
    summary: 'Buy BrokerScrip with money (seeds/001 6.1)',
    description: "`amount` of the caller's money → one BrokerScrip of broker series `series` worth amount − the series fee; the broker submits, the caller's account signs its consent, the broker alone opens who the buyer is. 409 FAILED_PRECONDITION when the caller already holds BrokerScrip (one at a time): top up instead.",
    body: body({ series: RecordId, amount: PositiveAmount }, { series: 'broker-2026-12', amount: '10000' }),
    run: (c, r) => c.buy(principalOf(r), keyOf(r), r.body as { series: string; amount: string }),
  },
  {
    url: '/scrip/convert',
    operationId: 'convertScrip',
    summary: 'Exchange BrokerScrip for VendorScrip (6.2)',
    description: "The caller's BrokerScrip → VendorScrip of `vendorSeries` worth `amount` + change BrokerScrip (the fees of both outputs come out of the change); the vendor signs its scrip, the broker submits.",
    body: body({ vendorSeries: RecordId, amount: PositiveAmount }, { vendorSeries: 'acme-2026-12', amount: '2500' }),
    run: (c, r) => c.convert(principalOf(r), keyOf(r), r.body as { vendorSeries: string; amount: string }),
  },
  {
    url: '/scrip/purchases',
    operationId: 'purchaseWithScrip',
    summary: 'Pay a vendor with its VendorScrip, with change (6.3)',
    description: `The caller's VendorScrip of \`vendorSeries\` → \`amount\` of money to the vendor + change VendorScrip (its fee out of the change). The vendor submits and never learns the caller's account (only one-time holder keys); \`order\` (any JSON, at most ${MAX_ORDER_BYTES} bytes) is sealed for the vendor alone.`,
    body: body({ vendorSeries: RecordId, amount: PositiveAmount, order: Type.Optional(Order) }, { vendorSeries: 'acme-2026-12', amount: '700', order: { sku: 'A-17', quantity: 1 } }),
    run: (c, r) => {
      const b = r.body as { vendorSeries: string; amount: string; order?: unknown };
      if (b.order !== undefined && Buffer.byteLength(JSON.stringify(b.order)) > MAX_ORDER_BYTES) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', `order must be at most ${MAX_ORDER_BYTES} bytes of JSON`));
      return c.purchase(principalOf(r), keyOf(r), b);
    },
  },
  {
    url: '/scrip/topups',
    operationId: 'topUpScrip',
    summary: 'Top up BrokerScrip with money at the broker (6.4)',
    description: "The caller's BrokerScrip + `amount` of its money → one BrokerScrip (minus the series fee); the broker submits.",
    body: body({ amount: PositiveAmount }, { amount: '5000' }),
    run: (c, r) => c.topup(principalOf(r), keyOf(r), r.body as { amount: string }),
  },
  {
    url: '/scrip/vendor-topups',
    operationId: 'topUpVendorScrip',
    summary: 'Top up VendorScrip through the vendor (6.5)',
    description: "The caller's BrokerScrip (+ its VendorScrip of `vendorSeries`) → one VendorScrip worth `amount` more + change BrokerScrip; the broker signs its change, the vendor submits, no customer account on the transaction.",
    body: body({ vendorSeries: RecordId, amount: PositiveAmount }, { vendorSeries: 'acme-2026-12', amount: '1000' }),
    run: (c, r) => c.vendorTopup(principalOf(r), keyOf(r), r.body as { vendorSeries: string; amount: string }),
  },
  {
    url: '/scrip/withdrawals',
    operationId: 'withdrawScrip',
    summary: 'Redeem scrip for money (6.6 BrokerScrip, 6.7 VendorScrip)',
    description: "The caller's scrip `serial` → its value in money to the caller's account; its issuer submits (the vendor for VendorScrip, recorded in its broker's log). 409 DOUBLE_SPEND when the wallet already spent it.",
    body: body({ serial: Serial }, { serial: SERIAL_EXAMPLE }),
    run: (c, r) => c.withdraw(principalOf(r), keyOf(r), r.body as { serial: string }),
  },
  {
    url: '/scrip/renewals',
    operationId: 'renewScrip',
    summary: 'Renew expired scrip (6.8)',
    description: "The caller's scrip `serial` (past its spend-by date, before its renew-by date) → the same value in its issuer's series that issues now, a new serial and a new holder key, no fee; the issuer submits.",
    body: body({ serial: Serial }, { serial: SERIAL_EXAMPLE }),
    run: (c, r) => c.renew(principalOf(r), keyOf(r), r.body as { serial: string }),
  },
];

/**
 * The customer's scrip routes (issue 12; seeds/001 s. 6): buy, convert, purchases, topups,
 * vendor-topups, withdrawals, renewals (each a swap the caller's gateway builds, signs and sends
 * to the issuer's gateway: scrip/customer.ts) and the caller's wallet.
 */
export const scripCustomerRoutes: FastifyPluginAsyncTypebox<{ customer: ScripCustomer }> = async (app, { customer }) => {
  for (const f of FLOWS) {
    app.post(
      f.url,
      {
        config: { idempotent: true },
        schema: {
          tags: TAGS,
          summary: f.summary,
          description: `${f.description} ${COMMON}`,
          operationId: f.operationId,
          security: bearer,
          headers: IdempotencyHeader,
          body: f.body,
          response: { 201: FlowAnswer, ...problems(403, 404, 409, 422) },
        },
      },
      async (request, reply) => reply.code(201).send(answer(await f.run(customer, request))),
    );
  }

  app.get(
    '/scrip/wallet',
    {
      schema: {
        tags: TAGS,
        summary: "The caller's scrip",
        description:
          "The scrip this gateway keeps for the caller (its one-time holder keys never leave the gateway): pending and unspent, and spent ones too with `all=true`, with the total unspent value. `reconcile=true` first checks each not-spent serial on the ledger (scrip:getScrip): a pending one found issued becomes unspent (its issuer signature verified), one found spent becomes spent.",
        operationId: 'getScripWallet',
        security: bearer,
        querystring: Type.Object(
          {
            reconcile: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false', description: 'Check each serial on the ledger first' })),
            all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false', description: 'Include spent scrip' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: WalletAnswer, ...problems() },
      },
    },
    async (request) => {
      const entries = await customer.walletOf(principalOf(request), { reconcile: request.query.reconcile === 'true', all: request.query.all === 'true' });
      const total = entries.filter((e) => e.status === 'unspent').reduce((s, e) => s + BigInt(e.value), 0n);
      return { records: entries.map(view), total: total.toString() };
    },
  );
};
