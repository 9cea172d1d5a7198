/**
 * What a document must be to be stored: a JSON object, accepted by its resource's schema, that canonical
 * JSON can represent, within the size limit. The same check serves a PUT body and a PATCH result.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec'
import { CanonicalJsonError, canonicalJson } from '../http/canonical-json.ts'
import { contentETag } from '../http/content-etag.ts'
import { type CollectionIndex, indexProblems } from './collection-index.ts'
import type { DocumentContent } from './document.ts'
import { type ValidationError, validationErrors } from './schema-issues.ts'

/** ContentProblem is why content cannot be stored, as the status and detail of the answer. */
export interface ContentProblem {
  readonly status: 400 | 413 | 422
  readonly detail: string
  /** For a schema's refusal: each thing wrong, with a JSON Pointer to it (RFC 9457 section 3), at most 100. */
  readonly errors?: readonly ValidationError[]
  /** How many more things are wrong than `errors` lists. */
  readonly omittedErrors?: number
}

/**
 * MAX_REPORTED_ERRORS bounds `errors` in a 422: a body of a few hundred KB can hold 80,000 unknown members,
 * and one error each would make an answer of megabytes. The rest are counted in `omittedErrors`.
 */
export const MAX_REPORTED_ERRORS = 100

/**
 * ContentVerdict is content checked: storable (with its canonical bytes and tag), or not, and why. It is
 * plain data, so a verdict reached in the worker can travel to a document's writer object, which decides
 * whether a failed precondition (412) is the answer instead (RFC 9110 section 13.2.1).
 */
export type ContentVerdict =
  | { readonly ok: true; readonly content: DocumentContent }
  | { readonly ok: false; readonly problem: ContentProblem }

function describe(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

/** DocumentRules are what a resource asks of its documents: its schema, and what its indexes can hold. */
export interface DocumentRules {
  readonly schema?: StandardSchemaV1 | undefined
  readonly indexes?: readonly CollectionIndex[]
}

/**
 * prepareDocument checks a JSON value as the document that would be stored, and returns its canonical
 * bytes and strong tag: 422 when it is not an object, when the schema refuses it (with `errors`), when an
 * indexed member cannot be indexed (with `errors`), when canonical JSON cannot represent it, or when its
 * canonical form exceeds `maxBytes`. What is stored is the schema's output, so a schema's defaults and
 * normalisations apply.
 *
 * @example await prepareDocument({ title: 'Buy milk', done: false }, { schema: taskSchema }, 262_144) // { ok: true, ... }
 */
export async function prepareDocument(
  value: unknown,
  { schema, indexes = [] }: DocumentRules,
  maxBytes: number,
): Promise<ContentVerdict> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(422, `A document must be a JSON object, not ${describe(value)}`)
  }
  let accepted: unknown = value
  if (schema) {
    const result = await schema['~standard'].validate(value)
    if (result.issues) {
      const errors = validationErrors(result.issues)
      const count = errors.length === 1 ? 'one problem' : `${errors.length} problems`
      if (errors.length <= MAX_REPORTED_ERRORS) {
        return {
          ok: false,
          problem: { status: 422, detail: `The document has ${count}; see errors`, errors },
        }
      }
      const detail = `The document has ${count}; errors lists the first ${MAX_REPORTED_ERRORS}`
      const reported = errors.slice(0, MAX_REPORTED_ERRORS)
      const omittedErrors = errors.length - MAX_REPORTED_ERRORS
      return { ok: false, problem: { status: 422, detail, errors: reported, omittedErrors } }
    }
    accepted = result.value
  }
  const unindexable = indexes.length === 0 ? [] : indexProblems(accepted as Record<string, unknown>, indexes)
  if (unindexable.length > 0) {
    const count = unindexable.length === 1 ? 'one member' : `${unindexable.length} members`
    const detail = `The document has ${count} its resource's indexes cannot hold; see errors`
    return { ok: false, problem: { status: 422, detail, errors: unindexable } }
  }
  let bytes: Uint8Array
  try {
    bytes = new TextEncoder().encode(canonicalJson(accepted))
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      return refuse(422, `The document cannot be stored: ${error.message}`)
    throw error
  }
  // 422, not 413: the request itself may be well within the limit (a small PATCH, or numbers that canonical
  // form spells out), so the client could not have avoided it by sending less.
  if (bytes.byteLength > maxBytes) {
    return refuse(
      422,
      `The document's canonical form is ${bytes.byteLength} bytes, over the limit of ${maxBytes}`,
    )
  }
  return { ok: true, content: { bytes, etag: await contentETag(bytes) } }
}

/**
 * refuse returns the verdict for content that cannot be stored.
 *
 * @example refuse(400, 'The request body is not valid JSON')
 */
export function refuse(status: ContentProblem['status'], detail: string): ContentVerdict {
  return { ok: false, problem: { status, detail } }
}
