/**
 * The protocol stages the paper benches run, each as the REST calls a party's back office makes
 * to its own gateway (the gateways then talk to each other and to the ledger as they do in
 * production). Every function throws when a call does not answer as the API documents.
 */
import type { Consortium } from './consortium';
import { expectStatus } from './consortium';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `opener` opens channel `channel` with `counterparty`, depositing `deposit` alone (tpc-create, openChannel). */
export async function openChannel(c: Consortium, opener: string, counterparty: string, channel: string, deposit: string): Promise<void> {
  const res = await c.as(opener).post('/v1/channels', { id: channel, counterparty: c.id[counterparty], deposit, counterpartyDeposit: '0' });
  expectStatus(res, `open ${channel}`, 201);
}

/**
 * `opener` proposes channel `channel` taking `deposit` from each side; `counterparty` accepts it
 * at its own gateway (tpc-propose, tpc-accept, openChannel with both deposits).
 */
export async function openWithBothDeposits(c: Consortium, opener: string, counterparty: string, channel: string, deposit: string): Promise<void> {
  const proposed = await c.as(opener).post('/v1/channels', { id: channel, counterparty: c.id[counterparty], deposit, counterpartyDeposit: deposit });
  expectStatus(proposed, `propose ${channel}`, 202);
  expectStatus(await c.as(counterparty).post(`/v1/channels/${channel}/accept`), `accept ${channel}`, 201);
}

/** `payer` pays `amount` to the other party of `channel` off-chain (tpc-update). */
export async function payInChannel(c: Consortium, payer: string, channel: string, amount: string): Promise<void> {
  expectStatus(await c.as(payer).post(`/v1/channels/${channel}/payments`, { amount }), `pay in ${channel}`, 201);
}

/** `who` puts the latest state both signed on the ledger (updateTPC). */
export async function checkpoint(c: Consortium, who: string, channel: string): Promise<void> {
  expectStatus(await c.as(who).post(`/v1/channels/${channel}/checkpoint`), `checkpoint ${channel}`, 200);
}

/** `who` closes `channel` cooperatively (tpc-close, closeTPC). */
export async function closeChannel(c: Consortium, who: string, channel: string): Promise<void> {
  const res = await c.as(who).post(`/v1/channels/${channel}/close`);
  expectStatus(res, `close ${channel}`, 200);
}

/**
 * `who` closes `channel` alone: registers the latest state both signed, waits out the challenge
 * period (`periodSeconds`, which must be the ledger's setting) and settles.
 */
export async function closeUnilaterally(c: Consortium, who: string, channel: string, periodSeconds: number): Promise<void> {
  expectStatus(await c.as(who).post(`/v1/channels/${channel}/unilateral-close`), `unilateral close ${channel}`, 200);
  await sleep(periodSeconds * 1000 + 200);
  const settled = await c.as(who).post(`/v1/channels/${channel}/settle`);
  expectStatus(settled, `settle ${channel}`, 200);
}

/** Sets the ledger's challenge period (an organisation administrator's on-chain setting). */
export async function setChallengePeriod(c: Consortium, seconds: number): Promise<void> {
  expectStatus(await c.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: seconds }), 'channel settings', 200);
}

/**
 * `opener` opens multiparty channel `mpc` over `channels` with `parties` (names); every other
 * party first consents at its own gateway (createMPC).
 */
export async function openMultiparty(c: Consortium, opener: string, mpc: string, parties: string[], channels: string[]): Promise<void> {
  const body = { parties: parties.map((p) => c.id[p]), channels };
  for (const p of parties.filter((p) => p !== opener)) {
    expectStatus(await c.as(p).post(`/v1/multiparty/${mpc}/consent`, body), `consent of ${p} to ${mpc}`, 201);
  }
  expectStatus(await c.as(opener).post('/v1/multiparty', { id: mpc, ...body }), `open ${mpc}`, 201);
}

/**
 * One multiparty transaction in `mpc` submitted by `submitter`: each payer of `payments` ([payer,
 * payee, amount]) first authorizes its gateway to sign for `amount` at its own gateway.
 */
export async function payMultiparty(c: Consortium, submitter: string, mpc: string, payments: [string, string, string][]): Promise<void> {
  for (const [payer, , amount] of payments) {
    expectStatus(await c.as(payer).post(`/v1/multiparty/${mpc}/authorizations`, { amount }), `authorization of ${payer} in ${mpc}`, 201);
  }
  const body = { payments: payments.map(([from, to, amount]) => ({ from: c.id[from], to: c.id[to], amount })) };
  expectStatus(await c.as(submitter).post(`/v1/multiparty/${mpc}/payments`, body), `mptx in ${mpc}`, 200, 201);
}

/** `who` closes multiparty channel `mpc` cooperatively (closeMPC); its member channels are released. */
export async function closeMultiparty(c: Consortium, who: string, mpc: string): Promise<void> {
  expectStatus(await c.as(who).post(`/v1/multiparty/${mpc}/close`), `close ${mpc}`, 200);
}

/** Each [party, channel] allows routing others' payments through its channel. */
export async function allowForwarding(c: Consortium, grants: [string, string][]): Promise<void> {
  for (const [who, channel] of grants) expectStatus(await c.as(who).post(`/v1/channels/${channel}/forwarding`, { allow: true }), `forwarding on ${channel}`, 200);
}

/**
 * `payer` pays `amount` to `payee` along a route the gateway finds (POST /v1/payments, the paper's
 * least-W router), settled by HTLCs hop by hop (the default) or by one multiparty channel.
 */
export async function payRouted(c: Consortium, payer: string, payee: string, amount: string, settlement: 'htlc' | 'multiparty' = 'htlc'): Promise<void> {
  expectStatus(await c.as(payer).post('/v1/payments', { to: c.id[payee], amount, router: 'weight', settlement }), `routed payment ${payer} → ${payee} (${settlement})`, 201);
}

/** `payer` transfers `amount` to `payee` on-chain (a ledger transfer, the paper's "Eth" direct transaction). */
export async function transfer(c: Consortium, payer: string, payee: string, amount: string): Promise<void> {
  expectStatus(await c.as(payer).post('/v1/transfers', { to: c.id[payee], amount }), `transfer ${payer} → ${payee}`, 201, 200);
}
