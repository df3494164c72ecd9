import { privacyReady } from '../../chaincode/src/privacy/sodium';

/**
 * Jest setup (setupFilesAfterEnv, whose exported function Jest awaits before it loads the test
 * file): libsodium, which does the private payments' ristretto255 arithmetic, loads
 * asynchronously, and test files call the synchronous group, ring and stealth functions directly,
 * some at load time (keys generated at the top of a file), as the notes contract and the signer
 * do once their entry points have awaited privacyReady().
 */
export = (): Promise<void> => privacyReady();
