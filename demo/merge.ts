/**
 * A three-way merge of two edits of one JSON object, member by member: what the merge button hands to the
 * client's update(), which applies it to whatever version is current and retries if that changes again.
 */

import { sameJson } from './format.ts'

type JsonObject = Record<string, unknown>

/**
 * mergeMine returns `theirs` with the members I changed (relative to `base`, the version I started from) set to
 * my values, and the members I removed removed. Where we both changed a member, mine wins: I am the one
 * pressing the button, and both versions were on screen.
 *
 * @example
 * mergeMine({ title: 'Buy milk', due: '2026-12-01' }, { title: 'Buy milk', due: '2026-12-02' }, { title: 'Buy oat milk', due: '2026-12-01' })
 * // { title: 'Buy oat milk', due: '2026-12-02' }
 */
export function mergeMine<T extends JsonObject>(base: T, mine: T, theirs: T): T {
  const merged: JsonObject = { ...theirs }
  for (const name of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    if (sameJson(base[name], mine[name])) continue
    if (name in mine) merged[name] = mine[name]
    else delete merged[name]
  }
  return merged as T
}

/**
 * changedMembers lists the top-level members whose values differ between two objects, for highlighting.
 *
 * @example changedMembers({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 }) // Set { 'b', 'c' }
 */
export function changedMembers(a: JsonObject, b: JsonObject): Set<string> {
  const names = new Set([...Object.keys(a), ...Object.keys(b)])
  return new Set([...names].filter((name) => !sameJson(a[name], b[name])))
}
