import { common, peer } from '@hyperledger/fabric-protos';

/**
 * The chaincode event an endorsed transaction carries (at most one per transaction in Fabric), read
 * from its signed envelope bytes before it is ordered: Envelope → Payload → Transaction →
 * ChaincodeActionPayload → ProposalResponsePayload → ChaincodeAction.events (fabric-protos,
 * common/common.proto and peer/transaction.proto). `undefined` when it has none or the bytes are
 * not an endorser transaction.
 */
export function chaincodeEventOf(envelopeBytes: Uint8Array): { name: string; payload: Uint8Array } | undefined {
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = transaction.getActionsList()[0];
    if (!action) return undefined;
    const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
    if (!endorsed) return undefined;
    const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const events = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8()).getEvents_asU8();
    if (events.length === 0) return undefined;
    const event = peer.ChaincodeEvent.deserializeBinary(events);
    return event.getEventName() ? { name: event.getEventName(), payload: event.getPayload_asU8() } : undefined;
  } catch {
    return undefined;
  }
}
