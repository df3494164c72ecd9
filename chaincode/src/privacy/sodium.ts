// `import = require`: the module object itself, to which libsodium.js attaches its functions once
// ready (a namespace import would copy the properties present at load time, before ready).
import sodium = require('libsodium-wrappers-sumo');

/**
 * libsodium (jedisct1, compiled to WebAssembly by libsodium.js; npm `libsodium-wrappers-sumo`),
 * which does the ristretto255 group arithmetic of the private payments (point.ts). Its WebAssembly
 * instance is built asynchronously when the package loads, and its functions exist only after
 * `sodium.ready` resolves: every async entry point that reaches the group awaits
 * {@link privacyReady} first (the notes contract before each transaction, the signer core when it
 * opens, the gateway's wallet, the benches); the synchronous group functions call
 * {@link sodiumLibrary}, which throws a clear error when that was forgotten. libsodium's
 * ristretto255 functions are deterministic (the scalar multiplications constant-time).
 */

/** Resolves once libsodium is usable; idempotent (the same promise every call). */
export function privacyReady(): Promise<void> {
  return sodium.ready;
}

/**
 * The loaded libsodium. Throws an Error naming the fix when it is not loaded yet (a caller did
 * not `await privacyReady()`). Readiness is read from libsodium itself, so copies of this module
 * (the chaincode's sources and its compiled dist in one process) agree.
 */
export function sodiumLibrary(): typeof sodium {
  if (typeof sodium.crypto_scalarmult_ristretto255 !== 'function') {
    throw new Error('libsodium is not loaded yet: await privacyReady() (chaincode/src/privacy/sodium.ts) before the first ristretto255 operation');
  }
  return sodium;
}
