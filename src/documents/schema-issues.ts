/**
 * Standard Schema (https://standardschema.dev) failures as RFC 9457 validation errors: each issue becomes
 * `{ pointer, detail }`, with a JSON Pointer (RFC 6901) to the member it is about. Any validator that
 * implements the spec works: zod, valibot, arktype.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec'
import { formatJsonPointer } from '../http/json-pointer.ts'

/** ValidationError is one thing wrong with a document: where (a JSON Pointer) and what. */
export interface ValidationError {
  readonly pointer: string
  readonly detail: string
}

function segmentOf(segment: PropertyKey | StandardSchemaV1.PathSegment): string | number {
  const key = typeof segment === 'object' ? segment.key : segment
  return typeof key === 'number' ? key : String(key)
}

/**
 * validationErrors turns a schema's issues into validation errors. Some validators report unknown members
 * of a strict object once, at the object, listing their names in `keys` (zod does); each such name becomes
 * an error of its own whose pointer names the member, so a client can see which member to remove.
 *
 * @example validationErrors([{ message: 'Too long', path: ['tags', 3] }]) // [{ pointer: '/tags/3', detail: 'Too long' }]
 */
export function validationErrors(issues: readonly StandardSchemaV1.Issue[]): ValidationError[] {
  return issues.flatMap((issue) => {
    const path = (issue.path ?? []).map(segmentOf)
    const keys = (issue as { keys?: unknown }).keys
    if (Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string')) {
      return keys.map((key) => ({
        pointer: formatJsonPointer([...path, key]),
        detail: `${JSON.stringify(key)} is not a member this resource accepts`,
      }))
    }
    return [{ pointer: formatJsonPointer(path), detail: issue.message }]
  })
}
