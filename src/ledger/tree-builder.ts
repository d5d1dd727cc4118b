/**
 * The write side of the persisted tree: folds committed leaf hashes into a compact range and
 * collects the tiles that changed, so the checkpointer can write them in the same transaction
 * as the checkpoint. Rebuilt after a restart from the tiles alone (O(log n) reads).
 *
 * @example
 * const b = loadTreeBuilder(tiles, tiles.treeSize());
 * b.append(leafHash);
 * tiles.write(b.takeTiles());
 */
import { LogwardenError } from '../core/errors.js';
import { type CompactRange, compactRangeFromFrontier } from './compact-range.js';
import { HASH_SIZE } from './merkle.js';
import { TILE_HEIGHT, TILE_WIDTH, type TileWrite, type Tiles } from './tiles.js';

export interface TreeBuilder {
  readonly size: number;
  append(leafHash: Uint8Array): void;
  root(): Buffer;
  /** Tiles completed or grown since the last call. */
  takeTiles(): TileWrite[];
}

export function loadTreeBuilder(tiles: Tiles, size: number): TreeBuilder {
  const read = tiles.nodeReader();
  // Frontier: one perfect subtree per set bit of size, largest first.
  const frontier: Buffer[] = [];
  let at = 0;
  for (let level = 52; level >= 0; level--) {
    if (Math.floor(size / 2 ** level) % 2 === 1) {
      frontier.push(read(level, at / 2 ** level));
      at += 2 ** level;
    }
  }
  const cr: CompactRange = compactRangeFromFrontier(size, frontier);
  // Partial tail tile per tile level.
  const pending: Buffer[][] = [];
  for (let L = 0; Math.floor(size / TILE_WIDTH ** L) > 0; L++) {
    const count = Math.floor(size / TILE_WIDTH ** L);
    const width = count % TILE_WIDTH;
    const hashes: Buffer[] = [];
    if (width > 0) {
      const t = tiles.read(L, Math.floor(count / TILE_WIDTH));
      if (t === undefined || t.length < width * HASH_SIZE) {
        throw new LogwardenError(
          'LW_LEDGER_INCOMPLETE',
          `ledger tile ${L}/${Math.floor(count / TILE_WIDTH)} is missing or shorter than ${width} hashes`,
        );
      }
      for (let i = 0; i < width; i++)
        hashes.push(Buffer.from(t.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)));
    }
    pending.push(hashes);
  }
  return createBuilder(cr, pending);
}

function createBuilder(cr: CompactRange, pending: Buffer[][]): TreeBuilder {
  let done: TileWrite[] = [];
  const dirty = new Set<number>();
  const visit = (level: number, index: number, hash: Buffer): void => {
    if (level % TILE_HEIGHT !== 0) return;
    const L = level / TILE_HEIGHT;
    const p = (pending[L] ??= []);
    p.push(hash);
    dirty.add(L);
    if (p.length === TILE_WIDTH) {
      done.push({ level: L, index: Math.floor(index / TILE_WIDTH), hashes: Buffer.concat(p) });
      pending[L] = [];
    }
  };
  return {
    get size() {
      return cr.size;
    },
    append: (leafHash) => cr.append(leafHash, visit),
    root: () => cr.root(),
    takeTiles() {
      const out = done;
      done = [];
      for (const L of dirty) {
        const p = pending[L]!;
        if (p.length > 0)
          out.push({
            level: L,
            index: Math.floor(Math.floor(cr.size / TILE_WIDTH ** L) / TILE_WIDTH),
            hashes: Buffer.concat(p),
          });
      }
      dirty.clear();
      return out;
    },
  };
}
