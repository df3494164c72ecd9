import { createHash } from 'node:crypto';
import { canonicalBytes } from '../shared/canonical';
import type { RingSignature } from '../privacy/ring';
import type { StealthOutput } from '../privacy/stealth';

/**
 * The message every input's bLSAG signs (issue 13; privacy design section 1): one digest binding
 * the channel, each input's denomination, ring and key image, every output and the withdrawal, so
 * a signature cannot be replayed on another channel, with other outputs, or moved to another
 * spend. Pure: the chaincode recomputes it from the request, the wallet signs exactly these bytes.
 */

/** The `type` member of the digested object: the format's name and version. */
export const SPEND_DIGEST_TYPE = 'covenant/private-spend/v1';

/** What the digest covers: a spend request (signatures give the key images; the rest is ignored). */
export interface SpendPayload {
  inputs: readonly { denomination: string; ring: readonly string[]; signature?: Pick<RingSignature, 'keyImage'>; keyImage?: string }[];
  outputs: readonly { denomination: string; output: StealthOutput; memo?: string }[];
  withdrawal?: { account: string; amount: string };
}

/**
 * SHA-512 over canonicalBytes({type: SPEND_DIGEST_TYPE, channel, inputs: [{denomination, ring,
 * keyImage}], outputs: [{denomination, output, memo?}], withdrawal?}) (canonical JSON: sorted keys,
 * absent members dropped; shared/canonical.ts). Each input's key image is `keyImage` when given
 * (a wallet before signing), else `signature.keyImage`.
 * @param payment the spend request (notes:spend), amounts as decimal strings
 * @param channel the Fabric channel name (ctx.stub.getChannelID())
 * @returns 64 bytes
 * @throws Error when an input has no key image
 */
export function spendDigest(payment: SpendPayload, channel: string): Uint8Array {
  const inputs = payment.inputs.map((input, i) => {
    const keyImage = input.keyImage ?? input.signature?.keyImage;
    if (typeof keyImage !== 'string') throw new Error(`spendDigest: inputs[${i}] has no key image`);
    return { denomination: input.denomination, ring: [...input.ring], keyImage };
  });
  const outputs = payment.outputs.map(({ denomination, output: o, memo }) => ({
    denomination,
    output: { ephemeralPublicKey: o.ephemeralPublicKey, outputIndex: o.outputIndex, oneTimePublicKey: o.oneTimePublicKey, viewTag: o.viewTag },
    memo,
  }));
  const withdrawal = payment.withdrawal && { account: payment.withdrawal.account, amount: payment.withdrawal.amount };
  const bytes = canonicalBytes({ type: SPEND_DIGEST_TYPE, channel, inputs, outputs, withdrawal });
  return new Uint8Array(createHash('sha512').update(bytes).digest());
}
