import type { Network } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';

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
  /** `network`: the channel through one peer, e.g. FabricLedger.network(identity). */
  constructor(private readonly network: Network) {}

  private get qscc() {
    return this.network.getContract('qscc');
  }

  /** The channel's height: the number of the next block to be committed. */
  async height(): Promise<bigint> {
    const raw = await this.qscc.evaluateTransaction('GetChainInfo', this.network.getName());
    return BigInt(common.BlockchainInfo.deserializeBinary(raw).getHeight());
  }

  /** Scans blocks [from, to) (default: up to the current height). */
  async scan(from: bigint, to?: bigint): Promise<BlockScan> {
    const end = to ?? (await this.height());
    const txIds = new Set<string>();
    const codes: Record<string, number> = {};
    let envelopes = 0;
    for (let n = from; n < end; n++) {
      const block = common.Block.deserializeBinary(await this.qscc.evaluateTransaction('GetBlockByNumber', this.network.getName(), String(n)));
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

  /**
   * The MSP IDs of the peers that endorsed a committed transaction, sorted, and its validation
   * code (qscc GetTransactionByID: the envelope's ChaincodeEndorsedAction endorsements).
   */
  async endorsers(txId: string): Promise<{ mspIds: string[]; code: string }> {
    const processed = peer.ProcessedTransaction.deserializeBinary(await this.qscc.evaluateTransaction('GetTransactionByID', this.network.getName(), txId));
    const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = peer.ChaincodeActionPayload.deserializeBinary(transaction.getActionsList()[0].getPayload_asU8());
    const mspIds = action
      .getAction()!
      .getEndorsementsList()
      .map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid())
      .sort();
    return { mspIds, code: CODE_NAMES[processed.getValidationcode()] ?? `CODE_${processed.getValidationcode()}` };
  }
}
