/**
 * The documents the benchmarks store: JSON objects of a chosen size, shaped like an API's rows.
 */

/**
 * itemOfSize returns a JSON object whose canonical form is about `bytes` long; `seed` varies its content.
 *
 * @example itemOfSize(1_000) // { rows: [{ id: 0, label: 'row 0 xxx…', score: 0 }, …] }, about 1 KB
 */
export function itemOfSize(bytes: number, seed = 0): object {
  const rows = Array.from({ length: Math.max(1, Math.floor(bytes / 100)) }, (_, index) => ({
    id: index,
    label: `row ${index} `.padEnd(60, 'x'),
    score: (index + seed) / 7,
  }))
  return { rows }
}
