import type { CovenantContext } from '../shared/context';
import { rolesOf } from '../consortium/roles';
import type { InvestmentContract, Signing } from './investment';
import { SigningChange, countSigning } from './signing-count';
import { ContractStore, DelegateStore, SigningStore } from './store';
import { Treasury } from './money';
import { AccountStore } from '../accounts/account';
import { alreadyExists, failedPrecondition, notFound } from '../shared/errors';
import { parseId, parseObjectArg } from '../shared/args';
import { parseSigningRequest, requestSigning } from './investment';
import { validityOf } from './delegates-contract';

/**
 * The ledger side of DBCS-SC signings and their disputes, shared by the investment contract's
 * transactions: loading a signing with its contract, the open-signing counters of a contract and
 * its delegate, the arbitrator check, and applying a ruling's planned movements.
 */

/** Signing `signingId` of contract `contractId`, with its contract: NOT_FOUND when either is missing or they do not match. */
export async function signingOf(ctx: CovenantContext, contractId: string, signingId: string): Promise<{ signing: Signing; contract: InvestmentContract }> {
  const signing = await new SigningStore(ctx).find(parseId(signingId, 'signingId'));
  if (!signing || signing.contractId !== parseId(contractId, 'contractId')) throw notFound(`signing ${signingId} of contract ${contractId} does not exist`);
  return { signing, contract: await new ContractStore(ctx).get(signing.contractId) };
}

/** Writes the delegate `manager` of `issuer` with one signing more or less (countSigning). */
export async function countDelegateSigning(ctx: CovenantContext, issuer: string, manager: string, change: SigningChange): Promise<void> {
  const delegates = new DelegateStore(ctx);
  await delegates.save(countSigning(await delegates.get(issuer, manager), change, ctx.now));
}

/** A signing opened or finished: its contract and its delegate count it (countSigning). */
export async function countContractSigning(ctx: CovenantContext, contract: InvestmentContract, manager: string, change: SigningChange): Promise<void> {
  await new ContractStore(ctx).save(countSigning(contract, change, ctx.now));
  await countDelegateSigning(ctx, contract.issuer, manager, change);
}

/** True when the caller holds the ledger arbitrator role (arbitrators may read every signing and dispute). */
export async function isArbitrator(ctx: CovenantContext): Promise<boolean> {
  return (await rolesOf(ctx, ctx.caller.accountId)).includes('arbitrator');
}

/**
 * RequestSigning on the ledger (Algorithm 1): the caller, a client, asks to sign contract
 * `contractId` with the delegate its JSON `request` names, paying the contract's client deposit
 * (balance -> hold); the contract and the delegate count the new open signing. Returns the
 * signing (REQUESTED). Refusals as the investment contract's requestSigning documents.
 */
export async function openSigning(ctx: CovenantContext, contractId: string, request: string): Promise<Signing> {
    const body = parseObjectArg(request, 'request');
    const contracts = new ContractStore(ctx);
    const contract = await contracts.get(parseId(contractId, 'contractId'));
    const parsed = parseSigningRequest(body, contract.clientDeposit);
    const client = await new AccountStore(ctx).own();
    const signings = new SigningStore(ctx);
    const id = parsed.id ?? ctx.txId;
    if (await signings.find(id)) throw alreadyExists(`signing ${id} already exists`);
    const { reasons, delegate } = await validityOf(ctx, contract.issuer, parsed.delegate);
    const signing = requestSigning({
      id,
      contract,
      client: client.id,
      delegate: parsed.delegate,
      organizations: [contract.issuerMspId, client.mspId, delegate?.managerMspId ?? client.mspId],
      now: ctx.now,
    });
    if (reasons.length > 0 || !delegate) throw failedPrecondition(`${parsed.delegate} is not a valid delegate of ${contract.issuer}: ${reasons.join(', ')}`);
    await new Treasury(ctx).hold(client.id, signing.deposit);
    await signings.save(signing, { create: true });
    await countContractSigning(ctx, contract, delegate.manager, 'opened');
  return signing;
}
