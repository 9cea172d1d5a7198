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

/**
 * taskOfSize returns a task-like document (title, done, due, two tags, and notes to fill it) whose canonical
 * form is `bytes` long. `seed` moves its due date around the year (every tenth has none), so that due order
 * differs from id order, and picks its second tag; it always has two tags, so it always has as many index
 * entries.
 *
 * @example taskOfSize(1_000, 3) // { title: 'task 3', done: false, due: '2026-02-02', tags: ['home', 'errands'], notes: 'nnn…' }
 */
export function taskOfSize(bytes: number, seed = 0, done = false): Record<string, unknown> {
  const day = new Date(Date.UTC(2026, 0, 1) + ((seed * 7919) % 365) * 86_400_000).toISOString().slice(0, 10)
  const task = {
    title: `task ${seed}`,
    done,
    ...(seed % 10 === 9 ? {} : { due: day }),
    tags: ['home', seed % 2 === 0 ? 'work' : 'errands'],
  }
  // ASCII throughout, and canonical JSON only orders the members: its length is JSON.stringify's.
  const length = JSON.stringify({ ...task, notes: '' }).length
  return { ...task, notes: 'n'.repeat(Math.max(0, bytes - length)) }
}
