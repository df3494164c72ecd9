import type { FastifyBaseLogger } from 'fastify';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { GatewayDb } from '../gateway-db';
import type { IdentityStore } from '../identity/store';
import type { PeerDirectory } from '../channels/peers';
import type { PeerTransport } from '../channels/transport';
import { HttpProblem, problem } from '../http/problem';
import { NotesLedger } from './notes-ledger';
import { PrivateNoteStore } from './note-store';
import { NoteScanner } from './scanner';
import { RelayClient } from './relay-client';
import { BatchSealer } from './sealer';
import { DEFAULT_RING_SIZE, PrivateWallet } from './wallet';
import type { WalletSigner } from './wallet-signer';

/** Role of the identities private spends are submitted under (identity/dev-consortium.ts). */
export const RELAYER_ROLE = 'relayer';

/** A signer that refuses: the gateway was started without one. */
const NO_SIGNER: WalletSigner = {
  createKeys: () => Promise.reject(new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this gateway has no signer for private keys'))),
  scan: () => Promise.reject(new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this gateway has no signer for private keys'))),
  sign: () => Promise.reject(new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this gateway has no signer for private keys'))),
};

/**
 * `signer` with its refusals as problems: unreachable (code UNAVAILABLE) is 503, anything else it
 * refuses (an owner without keys, an output not the owner's) 409 FAILED_PRECONDITION with its detail.
 */
function guarded(signer: WalletSigner): WalletSigner {
  const wrap = <T>(work: () => Promise<T>): Promise<T> =>
    work().catch((err: unknown) => {
      const code = (err as { code?: unknown }).code;
      if (err instanceof HttpProblem || typeof code !== 'string') throw err;
      const detail = `the signer refused: ${(err as Error).message}`;
      throw code === 'UNAVAILABLE' ? new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', detail), true) : new HttpProblem(problem(409, 'FAILED_PRECONDITION', detail));
    });
  return {
    createKeys: (owner) => wrap(() => signer.createKeys(owner)),
    scan: (owner, outputs) => wrap(() => signer.scan(owner, outputs)),
    sign: (owner, output, ring, message) => wrap(() => signer.sign(owner, output, ring, message)),
  };
}

/**
 * The private wallet and its parts, composed from the gateway's services: the notes contract
 * client, the note store in the gateway database, the scanner and the relay client (over this
 * gateway's relayer identities and the peers' relay routes), and the batch sealer (started by the
 * caller, stopped on close).
 */
export function buildPrivateWallet(o: {
  chaincode: ChaincodeClient;
  identities: IdentityStore;
  db: GatewayDb;
  peers: PeerDirectory;
  transport: PeerTransport;
  signer?: WalletSigner;
  ringSize?: number;
  log: FastifyBaseLogger;
}): PrivateWallet {
  const ledger = new NotesLedger(o.chaincode);
  const store = new PrivateNoteStore(o.db);
  const signer = guarded(o.signer ?? NO_SIGNER);
  const relayer = (mspId?: string) => o.identities.withRole(RELAYER_ROLE, mspId);
  const relayerOrgs = () => [...new Set(o.identities.principals.filter((p) => p.roles?.includes(RELAYER_ROLE)).map((p) => p.mspId))].sort();
  let wallet: PrivateWallet | undefined;
  const settings = () => wallet!.settings();
  const scanner = new NoteScanner(ledger, signer, store, settings);
  const relay = new RelayClient(o.transport, o.peers, relayerOrgs, (mspId, spend) => wallet!.submitRelayed(spend, mspId));
  const sealer = new BatchSealer(ledger, store, () => relayer(), settings, o.log);
  wallet = new PrivateWallet(ledger, signer, store, scanner, relay, sealer, relayer, o.ringSize ?? DEFAULT_RING_SIZE);
  return wallet;
}
