/**
 * Encoding thresholds the data types convert at (Redis's *-max-listpack-*, intset and
 * list node sizes). The config layer keeps these in step with CONFIG SET; types read them
 * when they grow, so a type never needs to see the config or a client.
 */
export const limits = {
  /** list-max-listpack-size: >0 entries per node, <0 a byte size class (-1 4KB … -5 64KB). */
  listMaxListpackSize: -2,
  /** list-compress-depth (accepted; nodes are not compressed in memory). */
  listCompressDepth: 0,
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};

/** Config names mapped to their field in `limits`. */
export const LIMIT_CONFIGS: Record<string, keyof typeof limits> = {
  'list-max-listpack-size': 'listMaxListpackSize',
  'list-compress-depth': 'listCompressDepth',
  'hash-max-listpack-entries': 'hashMaxListpackEntries',
  'hash-max-listpack-value': 'hashMaxListpackValue',
  'set-max-intset-entries': 'setMaxIntsetEntries',
  'zset-max-listpack-entries': 'zsetMaxListpackEntries',
  'zset-max-listpack-value': 'zsetMaxListpackValue',
};
