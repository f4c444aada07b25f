/** Links an object into an LruList; the object itself is the node, so the list allocates nothing. */
export interface LruNode {
  older: LruNode | undefined;
  newer: LruNode | undefined;
}

/**
 * Recency order for the capped tables (flows, feature keys, distinct items):
 * O(1) touch, O(1) access to the least recently used. A Map's insertion order
 * cannot serve here: deleting from its front leaves holes that every
 * `keys().next()` walks over until V8 compacts the table, which made eviction
 * cost O(table size).
 */
export class LruList<N extends LruNode> {
  private oldestNode: N | undefined;
  private newestNode: N | undefined;

  get oldest(): N | undefined {
    return this.oldestNode;
  }

  /** The node after `node` towards the newest end. */
  newerThan(node: N): N | undefined {
    return node.newer as N | undefined;
  }

  pushNewest(node: N): void {
    node.older = this.newestNode;
    node.newer = undefined;
    if (this.newestNode) this.newestNode.newer = node;
    else this.oldestNode = node;
    this.newestNode = node;
  }

  remove(node: N): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldestNode = node.newer as N | undefined;
    if (node.newer) node.newer.older = node.older;
    else this.newestNode = node.older as N | undefined;
    node.older = undefined;
    node.newer = undefined;
  }

  touch(node: N): void {
    if (node === this.newestNode) return;
    this.remove(node);
    this.pushNewest(node);
  }

  clear(): void {
    this.oldestNode = undefined;
    this.newestNode = undefined;
  }
}
