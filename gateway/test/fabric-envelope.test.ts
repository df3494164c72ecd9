import { common, peer } from '@hyperledger/fabric-protos';
import { chaincodeEventOf } from '../src/ledger/fabric/envelope';
import { readerOrganizations, splitAudience } from '../src/events/audience';

/** An endorser transaction envelope carrying chaincode event `name` with `payload`, as peers build it. */
function envelopeWithEvent(name: string, payload: string): Uint8Array {
  const event = new peer.ChaincodeEvent();
  event.setEventName(name);
  event.setPayload(Buffer.from(payload));
  const action = new peer.ChaincodeAction();
  action.setEvents(event.serializeBinary());
  const response = new peer.ProposalResponsePayload();
  response.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.addActions(txAction);
  const body = new common.Payload();
  body.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(body.serializeBinary());
  return envelope.serializeBinary();
}

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
const audience = (a: object) => JSON.stringify({ amount: '5', audience: { accounts: ['a', 'b'], organizations: [], roles: [], everyone: false, ...a } });

describe('read-your-writes targets: the organisations that may read what a transaction changed', () => {
  test("the event's audience is read from the endorsed envelope", () => {
    const event = chaincodeEventOf(envelopeWithEvent('Transferred', audience({ organizations: ['Org1MSP', 'Org2MSP'] })));
    expect(event?.name).toBe('Transferred');
    expect(readerOrganizations(splitAudience(event!.payload).audience, ORGS)).toEqual(['Org1MSP', 'Org2MSP']);
  });

  test('parties of one organisation: only it; role holders or everyone: every organisation', () => {
    const of = (a: object) => readerOrganizations(splitAudience(Buffer.from(audience(a))).audience, ORGS);
    expect(of({ organizations: ['Org1MSP'] })).toEqual(['Org1MSP']);
    expect(of({ organizations: ['Org1MSP'], roles: ['arbitrator'] })).toEqual(ORGS);
    expect(of({ everyone: true })).toEqual(ORGS);
  });

  test('no event, or bytes that are not an envelope: every organisation (fail safe)', () => {
    expect(chaincodeEventOf(Buffer.from('not a protobuf envelope at all'))).toBeUndefined();
    expect(readerOrganizations(undefined, ORGS)).toEqual(ORGS);
    expect(chaincodeEventOf(envelopeWithEvent('', '{}'))).toBeUndefined();
  });
});
