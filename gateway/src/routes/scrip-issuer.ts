import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CreateSeriesRequest, LogEntryView, Serial, TxId } from '@covenant/chaincode';
import type { LogEntryView as LogEntry, SeriesView } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import type { ScripIssuer } from '../scrip/issuer';
import type { ScripMessage } from '../scrip/protocol';
import { openOwnEnvelope } from '../scrip/log-envelope';
import { IdParams } from './schemas';
import { IdempotencyHeader, bearer, noSecurity, problems } from './common';
import { forward, registerChaincodeRoutes } from './forward';
import { act, page, read } from './rows';
import { LogEntryRef, ScripAnswerBody, ScripMessageBody, ScripStatusRef, SeriesRef } from './scrip-schemas';

const TAGS = ['scrip'];
const SOURCE = 'seeds/001 (SET digital envelopes with Millicent scrip), sections 5-6; issue 12';

/** Most bytes of one inbox message: the swap, its signatures and up to 8 envelopes of 16 KiB, plus `sealed`. */
const INBOX_BODY_LIMIT = 160 * 1024;

/**
 * The issuer side of scrip over REST (issue 12): series (create, list, read, stop/resume issuing,
 * sweep after renewBy), the broker's log and its entries, a serial's status. Chaincode contract
 * `scrip`; rules in chaincode/src/scrip/README.md. Creating a series through this gateway records
 * it as served here (gateway/src/scrip/served-series.ts): the issuer's gateway then answers the
 * scrip protocol for it at POST /v1/scrip/inbox (`scripInboxRoutes`).
 */
export const scripIssuerRoutes: FastifyPluginAsyncTypebox<{ issuer: ScripIssuer }> = async (app, { issuer }) => {
  const { chaincode, identities } = app;
  registerChaincodeRoutes(app, chaincode, TAGS, [
    page({
      url: '/scrip/series',
      fn: 'scrip:listSeries',
      item: SeriesRef,
      summary: 'Every scrip series, one page in id order (anyone)',
      description: `Series are public: issuer, kind, unit, fee, the issue, spend and renew windows, active. \`outstanding\` (the reserve behind unspent scrip) is shown to the series' issuer only. Source: ${SOURCE}.`,
      operationId: 'listScripSeries',
    }),
    read({ url: '/scrip/series/:id', fn: 'scrip:getSeries', params: IdParams, response: SeriesRef, statuses: [404], summary: 'One scrip series (anyone)', operationId: 'getScripSeries' }),
    forward({
      method: 'POST',
      url: '/scrip/series/:id/active',
      fn: 'scrip:setSeriesActive',
      idempotent: true,
      schema: {
        summary: 'Stop or resume issuing from a series (its issuer)',
        description: 'With `active: false` the issuer stops issuing scrip of the series; spending and renewal of its scrip go on. Errors: 403 not the issuer, 404 unknown series.',
        operationId: 'setScripSeriesActive',
        params: IdParams,
        body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false, examples: [{ active: false }] }),
        response: { 200: SeriesRef, ...problems(403, 404, 409) },
      },
      args: ({ params, body }) => [params.id, String(body.active)],
    }),
    act({
      url: '/scrip/series/:id/sweep',
      fn: 'scrip:sweepSeries',
      params: IdParams,
      emptyBodyAsObject: true,
      response: SeriesRef,
      summary: "Sweep an expired series' outstanding value to its issuer (its issuer, after renewBy)",
      description: 'After renewBy, what is still outstanding (scrip never renewed nor redeemed) goes to the issuer\'s account and the remaining scrip is void; the event ScripSeriesSwept names the amount (value never disappears silently). Errors: 403 not the issuer, 404 unknown series, 409 renewBy not passed or already swept.',
      operationId: 'sweepScripSeries',
    }),
    page({
      url: '/scrip/log',
      fn: 'scrip:brokerLog',
      item: LogEntryRef,
      summary: "The caller's broker log, one page, oldest first (a broker)",
      description: `Every swap involving the caller's scrip as broker, with every envelope (sealed). Empty for a caller that brokers nothing; a party reads its own entries at /v1/scrip/log/{txId}. Source: ${SOURCE} (6.1: the broker "logs the transaction details for future reference, especially in the event of a dispute").`,
      operationId: 'listScripLog',
    }),
    read({
      url: '/scrip/:serial',
      fn: 'scrip:getScrip',
      params: Type.Object({ serial: Serial }),
      response: ScripStatusRef,
      statuses: [404],
      summary: "A serial's status: unspent (with the scrip) or spent (anyone)",
      description: 'Anyone may check a serial: it reveals no holder, only a commitment to a one-time key. Errors: 404 never issued.',
      operationId: 'getScripStatus',
    }),
  ]);

  app.post(
    '/scrip/series',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Create a scrip series (a broker or vendor)',
        description: `The caller issues the series (\`kind\` broker: BrokerScrip, its role broker; vendor: VendorScrip, its role vendor, naming its \`broker\`) with now < lastIssueAt <= spendBy <= renewBy. This gateway records the series as served for the caller: the caller's standing consent that this gateway countersigns and submits, at POST /v1/scrip/inbox, swaps of the series that follow the chaincode's rules. 201 with the series and its Location. Errors: 400 bad windows or fields, 403 the caller lacks the role, 404 unknown broker, 409 id taken or the broker lacks its role. Source: ${SOURCE}.`,
        operationId: 'createScripSeries',
        security: bearer,
        headers: IdempotencyHeader,
        body: CreateSeriesRequest,
        response: { 201: SeriesRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const series = await chaincode.submit<SeriesView>(principalOf(request), 'scrip:createSeries', [JSON.stringify(request.body)], reply);
      await issuer.served.add({ series: series.id, issuer: series.issuer, kind: series.kind });
      return reply.code(201).header('location', `/v1/scrip/series/${encodeURIComponent(series.id)}`).send(series);
    },
  );

  app.get(
    '/scrip/log/:txId',
    {
      schema: {
        tags: TAGS,
        summary: 'One broker log entry (its broker or a party)',
        description:
          "The entry of swap `txId`, for its broker, a listed party or an envelope reader. A non-broker sees only its own envelope; when this gateway keeps the caller's encryption key, that envelope is also given opened in `opened` (UTF-8; the issuer's copy of the order, or the customer's receipt). Errors: 403 not the broker nor a party, 404 no such swap.",
        operationId: 'getScripLogEntry',
        security: bearer,
        params: Type.Object({ txId: TxId }),
        response: {
          200: Type.Object({ ...LogEntryView.properties, opened: Type.Optional(Type.String({ description: "The caller's envelope, opened with its encryption key (UTF-8)" })) }),
          ...problems(403, 404),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const entry = await chaincode.evaluate<LogEntry>(principal, 'scrip:logEntry', [request.params.txId]);
      const opened = await openOwnEnvelope(identities, principal, entry);
      return opened === undefined ? entry : { ...entry, opened };
    },
  );
};

/**
 * POST /v1/scrip/inbox: the scrip protocol between gateways (gateway/src/scrip/protocol.ts). No API
 * key: a swap authorizes itself by the holder-key and account signatures inside it, which this
 * gateway and then the chaincode check. Registered with the off-chain messages' rate limit.
 */
export const scripInboxRoutes: FastifyPluginAsyncTypebox<{ issuer: ScripIssuer }> = async (app, { issuer }) => {
  app.post(
    '/scrip/inbox',
    {
      bodyLimit: INBOX_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: "Scrip protocol message from a customer's gateway (scrip-sign, scrip-submit)",
        description: `For an issuer (broker or vendor) this gateway holds, about series it serves. scrip-sign: the issuer checks the swap (its series, the fee, its scrip accepted, the holders' signatures) and answers scrip-signed with its signatures over its outputs' scrip bytes. scrip-submit: it also submits scrip:swap as the issuer and answers scrip-done (the scrip issued, the serials spent, the receipt sealed to \`receiptKey\`); a repeat of the same request answers the same scrip-done and applies nothing twice. Errors: 400 malformed, or \`sealed\` does not open; 403 a holder signature does not verify, the issuer issues none of the swap's scrip (VendorScrip is accepted only by its vendor), or does not submit this flow; 404 an issuer this gateway does not hold, an unknown serial or series; 409 DOUBLE_SPEND, SCRIP_EXPIRED, FAILED_PRECONDITION; 422 INSUFFICIENT_FUNDS. Source: ${SOURCE}.`,
        operationId: 'receiveScripMessage',
        security: noSecurity,
        body: ScripMessageBody,
        response: { 200: ScripAnswerBody, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => issuer.handle(request.body as ScripMessage),
  );
};
