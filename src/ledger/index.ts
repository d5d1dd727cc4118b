/**
 * The tamper-evident ledger (ARCHITECTURE §4): RFC 6962 Merkle tree over the stored event bytes,
 * C2SP signed-note checkpoints and cosignatures, proofs, verification.
 *
 * @example
 * import { createCheckpointer, readPrivateKeyFile, verifyLocal } from './ledger/index.js';
 */
export * from './merkle.js';
export * from './subtree.js';
export * from './compact-range.js';
export * from './proofs.js';
export * from './note.js';
export * from './ed25519.js';
export * from './keys.js';
export * from './checkpoint.js';
export * from './cosignature.js';
export * from './tiles.js';
export * from './tree-builder.js';
export * from './checkpoint-log.js';
export * from './ledger.js';
export * from './checkpointer.js';
export * from './verify.js';
export * from './proof-bundle.js';
export * from './heartbeat.js';
export * from './advance.js';
export * from './tlog-proof.js';
export * from './verify-state.js';
export * from './cosignature-log.js';
export * from './replica-batch.js';
