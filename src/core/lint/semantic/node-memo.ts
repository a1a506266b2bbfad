// One answer per node of a tree (by node id), for the semantic model's memo tables.
//
// Why chunks: a model is rebuilt on every edit, and one array per table sized to the tree (27,000
// nodes for 2,000 lines: 216 KB each) is past V8's large-object threshold, so every edit left
// several such arrays to the slow, old-generation collector. Chunks of 2,048 entries (16 KB) are
// ordinary young objects, made only for the parts of the tree a table is asked about.
const CHUNK_BITS = 11;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

export class NodeMemo<T> {
  private readonly chunks: ((T | undefined)[] | undefined)[];

  constructor(nodeCount: number) {
    this.chunks = new Array<(T | undefined)[] | undefined>((nodeCount >>> CHUNK_BITS) + 1).fill(undefined);
  }

  get(id: number): T | undefined {
    const chunk = this.chunks[id >>> CHUNK_BITS];
    return chunk === undefined ? undefined : chunk[id & CHUNK_MASK];
  }

  set(id: number, value: T): void {
    const k = id >>> CHUNK_BITS;
    let chunk = this.chunks[k];
    if (chunk === undefined) chunk = this.chunks[k] = new Array<T | undefined>(CHUNK_SIZE);
    chunk[id & CHUNK_MASK] = value;
  }
}
