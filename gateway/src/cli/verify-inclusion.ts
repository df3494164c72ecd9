#!/usr/bin/env node
/**
 * covenant-verify-inclusion: checks an RFC 9162 inclusion proof of a private payment against the
 * batch root recorded on the ledger. Exit status 0 when the proof verifies, 1 otherwise (refused
 * proof, malformed or missing input), with one clear line on stderr.
 *
 *   covenant-verify-inclusion --proof proof.json --root <root read from the ledger>
 *   covenant-verify-inclusion --root <hex> --leaf-hash <hex> --index 5 --size 8 --path <hex>,<hex>,<hex>
 *   covenant-verify-inclusion --root <hex> --leaf <hex|base64> --index 0 --size 1 --path ''
 *
 * Flags win over the proof file's fields, so a root read from a peer replaces the one the gateway
 * served. Built to gateway/dist/cli/verify-inclusion.js; `npm run verify:inclusion -- ...` at the root.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { decodeClaim, parseProofFile, ProofInputError, verifyClaim, type ClaimText } from '../privacy/inclusion-proof';

/** Where the CLI writes: stdout and stderr, replaceable in tests. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STD_OUTPUT: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Options as commander parses them. */
interface Options {
  proof?: string;
  root?: string;
  leaf?: string;
  leafHash?: string;
  index?: string;
  size?: string;
  path?: string;
}

/** Reads and checks a JSON proof file ('-' is standard input). */
function readProofFile(file: string): ClaimText {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new ProofInputError(`cannot read the proof file ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProofInputError(`the proof file ${file} is not JSON: ${(e as Error).message}`);
  }
  const proof = parseProofFile(json);
  return { root: proof.rootHash, leafHash: proof.leafHash, index: proof.leafIndex, size: proof.treeSize, path: proof.inclusionPath };
}

/** The command, its output sent to `io`. */
function command(io: CliOutput): Command {
  return new Command('covenant-verify-inclusion')
    .description('Verify an RFC 9162 inclusion proof of a payment against a batch root. Exit 0 when it verifies, 1 otherwise.')
    .option('--proof <file>', 'JSON proof {leafIndex, treeSize, leafHash, inclusionPath, rootHash} as the gateway serves it; - for stdin')
    .option('--root <hash>', 'trusted batch root (hex or base64), read with the tree size from the ledger')
    .option('--leaf <bytes>', 'the leaf itself (hex or base64; prefix hex: or base64: to force); hashed as SHA-256(0x00 || leaf)')
    .option('--leaf-hash <hash>', 'the leaf hash (hex or base64), instead of --leaf')
    .option('--index <n>', 'zero-based leaf index')
    .option('--size <n>', 'tree size (number of leaves in the batch)')
    .option('--path <hashes>', "audit path, comma-separated hex hashes nearest the leaf first ('' for a one-leaf tree)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
}

/**
 * Runs the CLI.
 * @param args the arguments after the program name
 * @param io where to write (stdout and stderr by default)
 * @returns the exit status: 0 verified (or help shown), 1 not verified or bad input
 */
export function main(args: readonly string[], io: CliOutput = STD_OUTPUT): number {
  let options: Options;
  try {
    options = command(io).parse([...args], { from: 'user' }).opts<Options>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    throw e;
  }
  try {
    const fromFile: ClaimText = options.proof === undefined ? {} : readProofFile(options.proof);
    const fromFlags: ClaimText = { root: options.root, leaf: options.leaf, leafHash: options.leafHash, index: options.index, size: options.size, path: options.path };
    const merged: ClaimText = { ...fromFile };
    for (const [key, value] of Object.entries(fromFlags) as Array<[keyof ClaimText, ClaimText[keyof ClaimText]]>) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
    // A leaf given by flag replaces the file's leaf hash rather than being compared with it.
    if (options.leaf !== undefined && options.leafHash === undefined) delete merged.leafHash;
    const claim = decodeClaim(merged);
    const result = verifyClaim(claim);
    if (!result.ok) {
      io.err(`NOT VERIFIED: ${result.reason}`);
      return 1;
    }
    const { leafIndex, treeSize } = claim.proof;
    io.out(`verified: leaf ${claim.leafHash.toString('hex')} is at index ${leafIndex} of the tree of ${treeSize} ${treeSize === 1 ? 'leaf' : 'leaves'} with root ${claim.rootHash.toString('hex')}`);
    return 0;
  } catch (e) {
    if (e instanceof ProofInputError) {
      io.err(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
