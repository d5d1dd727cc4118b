/**
 * C2SP tlog-proof (c2sp.org/tlog-proof@v1): the text format for an offline-verifiable
 * inclusion proof, so tools outside logwarden can check a proof bundle:
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>            (optional, unauthenticated)
 *     index <n>
 *     <base64 hash>             (zero or more: leaf's sibling first, RFC 6962 §2.1.1)
 *                               (empty line)
 *     <signed checkpoint note, verbatim>
 *
 * @example
 * const text = formatTlogProof({ index: 5, proof, checkpoint: note });
 * parseTlogProof(text).index; // 5
 */
import { LogwardenError } from '../core/errors.js';
import { HASH_SIZE } from './merkle.js';
import { decodeBase64Strict } from './note.js';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  readonly extra?: Buffer;
  readonly index: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, including signature lines. */
  readonly checkpoint: string;
}

function invalid(msg: string): LogwardenError {
  return new LogwardenError('LW_LEDGER_INVALID', `tlog-proof: ${msg}`);
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0)
    throw invalid(`index ${String(p.index)} is not a non-negative integer`);
  if (!p.checkpoint.endsWith('\n')) throw invalid('the checkpoint note must end with a newline');
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${p.extra.toString('base64')}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) {
    if (h.length !== HASH_SIZE)
      throw invalid(`a proof hash is ${h.length} bytes, not ${HASH_SIZE}`);
    lines.push(h.toString('base64'));
  }
  return `${lines.join('\n')}\n\n${p.checkpoint}`;
}

/** Parse strictly; throws LW_LEDGER_INVALID naming the line that is wrong. */
export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw invalid('no empty line before the checkpoint');
  const head = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (head[0] !== TLOG_PROOF_HEADER) throw invalid(`the first line must be ${TLOG_PROOF_HEADER}`);
  let i = 1;
  let extra: Buffer | undefined;
  if (head[i]?.startsWith('extra ')) {
    extra = decodeBase64Strict(head[i]!.slice(6), 'tlog-proof: extra line');
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(head[i] ?? '');
  if (m === null) throw invalid(`line ${i + 1} must be "index <n>" without leading zeros`);
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw invalid(`index ${m[1]} is too large`);
  const proof = head.slice(i + 1).map((line, k) => {
    const h = decodeBase64Strict(line, `tlog-proof: line ${i + 2 + k}`);
    if (h.length !== HASH_SIZE)
      throw invalid(`line ${i + 2 + k} is ${h.length} bytes, not a ${HASH_SIZE}-byte hash`);
    return h;
  });
  if (checkpoint === '') throw invalid('the checkpoint is missing');
  return extra === undefined ? { index, proof, checkpoint } : { extra, index, proof, checkpoint };
}
