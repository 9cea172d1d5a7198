/**
 * Run by test/node/origin-memory.test.ts in a Node.js of its own, whose V8 heap is capped as a Workers isolate's
 * is (`node --max-old-space-size=128`): builds one worst-case JSON body of a given shape and size, and handles
 * it as the worker would. A heap that runs out ends the process with a fatal error and a non-zero exit;
 * success prints a line of JSON.
 *
 * Usage: node --max-old-space-size=128 test/node/canonicalise-worst-case.ts <what> <shape> <bytes>
 *   what: origin     origin mode's hashing of a 200 (src/origin/origin-representation.ts), limits and all
 *         canonical  the canonicalisation alone, whatever the size (what origin mode's limit keeps from running)
 *         api        what the API does with a PUT body: parse, check, canonicalise (bounded by MAX_BODY_BYTES)
 */

import { canonicalJson } from '../../src/http/canonical-json.ts'
import { parseJsonBody } from '../../src/http/json-body.ts'
import { canonicalText, originRepresentation } from '../../src/origin/origin-representation.ts'

/**
 * WORST_CASE_SHAPES are the JSON bodies that cost a parser the most heap per byte of text: many tiny values
 * each of which becomes an object of its own (an empty object or array is 3 bytes of text and tens of bytes
 * of heap), short distinct strings, numbers that force the exact-number check, and one object with very many
 * members (its names are kept twice while duplicates are looked for).
 */
export const WORST_CASE_SHAPES = {
  'empty objects': (index: number) => (index === 0 ? '{}' : ',{}'),
  'empty arrays': (index: number) => (index === 0 ? '[]' : ',[]'),
  'two-letter strings': (index: number) => `${index === 0 ? '' : ','}"${twoLetters(index)}"`,
  'small objects': (index: number) => `${index === 0 ? '' : ','}{"a":${index % 10}}`,
  'exact-number check': (index: number) => `${index === 0 ? '1e-1' : ',{}'}`,
  'numbers with fractions': (index: number) => `${index === 0 ? '' : ','}${index % 1000}.5`,
} as const satisfies Record<string, (index: number) => string>

/** WIDE_OBJECT is the shape of one object with as many members as fit. */
export const WIDE_OBJECT = 'one wide object'

export type Shape = keyof typeof WORST_CASE_SHAPES | typeof WIDE_OBJECT

function twoLetters(index: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  return `${letters[index % 26]}${letters[Math.floor(index / 26) % 26]}`
}

/**
 * worstCaseBody returns a JSON text of `shape`, `bytes` long or just under.
 *
 * @example worstCaseBody('empty objects', 10) // '[{},{},{}]'
 */
export function worstCaseBody(shape: Shape, bytes: number): Uint8Array {
  const parts: string[] = [shape === WIDE_OBJECT ? '{' : '[']
  let length = 2
  for (let index = 0; ; index++) {
    const part =
      shape === WIDE_OBJECT
        ? `${index === 0 ? '' : ','}"${index.toString(36)}":0`
        : WORST_CASE_SHAPES[shape](index)
    if (length + part.length > bytes) break
    parts.push(part)
    length += part.length
  }
  parts.push(shape === WIDE_OBJECT ? '}' : ']')
  return new TextEncoder().encode(parts.join(''))
}

/** What is the work a run measures. */
export type What = 'origin' | 'canonical' | 'api'

async function handle(what: What, body: Uint8Array): Promise<boolean> {
  switch (what) {
    case 'origin':
      return (await originRepresentation(body, 'application/json')).canonical
    case 'canonical':
      return canonicalText(new TextDecoder().decode(body)) !== null
    case 'api':
      return canonicalJson(parseJsonBody(body)).length > 0
  }
}

if (import.meta.main) {
  const [what, shape, size] = process.argv.slice(2) as [What, Shape, string]
  const body = worstCaseBody(shape, Number(size))
  const started = performance.now()
  const canonical = await handle(what, body)
  const ms = Math.round(performance.now() - started)
  console.log(JSON.stringify({ what, shape, bytes: body.byteLength, canonical, ms }))
}
