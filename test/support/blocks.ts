import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import type { ConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import type { SigningIdentity } from '../../gateway/src/ledger/port';

/** What a run of blocks holds: envelopes, distinct transaction ids and validation codes. */
export interface BlockScan {
  /** Blocks read, [from, to). */
  from: bigint;
  to: bigint;
  /** Endorser transactions in those blocks (every copy counts). */
  envelopes: number;
  /** Distinct transaction ids among them. */
  transactions: number;
  /** Envelopes per transaction id: 1.0 when each transaction is ordered once. */
  copiesPerTransaction: number;
  /** Envelopes by validation code name (VALID, DUPLICATE_TXID, MVCC_READ_CONFLICT, ...). */
  codes: Record<string, number>;
}

const CODE_NAMES = Object.fromEntries(Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]));

/**
 * Reads blocks from a peer's ledger with the query system chaincode (qscc GetChainInfo and
 * GetBlockByNumber, Fabric's "Querying the ledger" API) and counts what they carry, to check
 * what the orderers really ordered: a benchmark's throughput is only trusted once each
 * transaction is known to be in the blocks once.
 */
export class BlockReader {
  private readonly client: grpc.Client;
  private readonly gateway;

  constructor(private readonly profile: ConnectionProfile, mspId: string, identity: SigningIdentity) {
    const org = profile.organizations[mspId];
    this.client = new grpc.Client(org.peerEndpoint, grpc.credentials.createSsl(Buffer.from(org.tlsRootCert)), { 'grpc.ssl_target_name_override': org.hostAlias });
    this.gateway = connect({
      client: this.client,
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
      hash: hash.sha256,
    });
  }

  private get qscc() {
    return this.gateway.getNetwork(this.profile.channel).getContract('qscc');
  }

  /** The channel's height: the number of the next block to be committed. */
  async height(): Promise<bigint> {
    const raw = await this.qscc.evaluateTransaction('GetChainInfo', this.profile.channel);
    return BigInt(common.BlockchainInfo.deserializeBinary(raw).getHeight());
  }

  /** Scans blocks [from, to) (default: up to the current height). */
  async scan(from: bigint, to?: bigint): Promise<BlockScan> {
    const end = to ?? (await this.height());
    const txIds = new Set<string>();
    const codes: Record<string, number> = {};
    let envelopes = 0;
    for (let n = from; n < end; n++) {
      const block = common.Block.deserializeBinary(await this.qscc.evaluateTransaction('GetBlockByNumber', this.profile.channel, String(n)));
      const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
      block.getData()?.getDataList_asU8().forEach((bytes, i) => {
        const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
        const header = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array());
        if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
        envelopes++;
        txIds.add(header.getTxId());
        const code = CODE_NAMES[filter[i]] ?? `CODE_${filter[i]}`;
        codes[code] = (codes[code] ?? 0) + 1;
      });
    }
    return { from, to: end, envelopes, transactions: txIds.size, copiesPerTransaction: txIds.size === 0 ? 0 : envelopes / txIds.size, codes };
  }

  close(): void {
    this.gateway.close();
    this.client.close();
  }
}
