/**
 * Conditional writes of documents: evaluate the request's preconditions against the current document, then
 * check the content, then commit. RFC 9110 section 13.2.1 is kept here, in one place: preconditions are
 * evaluated before the content is processed, so a failed one is the answer whatever the content holds.
 *
 * The check and the commit are atomic only if nothing else writes the document in between: the caller runs
 * these functions one at a time per document (its DocumentWriter object does), against the document's
 * authoritative state, never against KV, which has no compare-and-set.
 */

import { parseEntityTagCondition } from '../http/entity-tag.ts'
import { applyMergePatch } from '../http/merge-patch.ts'
import { type ConditionalHeaders, evaluatePreconditions } from '../http/preconditions.ts'
import type { DocumentValidators } from './document.ts'
import {
  type ContentProblem,
  type ContentVerdict,
  type DocumentRules,
  prepareDocument,
} from './document-content.ts'
import { nextLastModified } from './last-modified.ts'

/** CommittedDocument is a document's authoritative state: its canonical bytes and their validators. */
export interface CommittedDocument {
  readonly bytes: Uint8Array
  readonly validators: DocumentValidators
}

/** DocumentRecords is the authoritative state writes are checked against and committed to. */
export interface DocumentRecords {
  /** current returns the document as last committed; null when it does not exist. */
  current(): Promise<CommittedDocument | null>
  /**
   * lastModified returns the Last-Modified of the latest version ever committed, a deleted one's included,
   * or undefined for a document never written: a document created again must date after what a client may
   * still hold, or a same-second re-creation would pass that client's If-Modified-Since as unchanged.
   */
  lastModified(): Promise<string | undefined>
  /** commit stores the document's new state (null: deleted), durably, before it returns. */
  commit(next: CommittedDocument | null): Promise<void>
}

/** WritePolicy holds the deployment's switches for writes. */
export interface WritePolicy {
  /** Answer 428 to a write that changes an existing document without If-Match (RFC 6585 section 3). */
  readonly requireIfMatch: boolean
  /** Compare If-Match strongly only, refusing tags weakened by Cloudflare's compression. */
  readonly strictIfMatch: boolean
  /** The largest canonical document, in bytes. */
  readonly maxBodyBytes: number
}

/**
 * PatchVerdict is a merge patch document as read from a request: its JSON text, checked to be JSON that
 * canonical JSON can represent (so its nesting is bounded), or why it is not. Text, not a parsed value,
 * so that a member named `__proto__` crosses to the writer object as the data it is.
 */
export type PatchVerdict =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly problem: ContentProblem }

/** WriteRefusal is why a write changed nothing. */
export type WriteRefusal =
  /** 412: a precondition is false; `current` lets the client recover without another GET. */
  | {
      readonly result: 'precondition-failed'
      readonly field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match'
      readonly malformed: boolean
      readonly current: DocumentValidators | null
    }
  /** 428: the deployment requires If-Match and the request has none. */
  | { readonly result: 'precondition-required' }
  /** 404: there is no document to change. */
  | { readonly result: 'not-found' }
  /** 400, 413 or 422: the content cannot be stored. */
  | { readonly result: 'unacceptable'; readonly problem: ContentProblem }
  /** 503: too many writes to this document are already waiting; nothing was tried. */
  | { readonly result: 'busy' }

/** StoredOutcome is a PUT or PATCH that succeeded; `unchanged` means the bytes were identical. */
export interface StoredOutcome {
  readonly result: 'created' | 'replaced' | 'unchanged'
  readonly validators: DocumentValidators
  readonly bytes: Uint8Array
}

/**
 * WriteOutcome is what a write did. `failed` means the writer's own storage failed before anything was
 * committed: a storage failure, answered as KV's are (503 with Retry-After).
 */
export type WriteOutcome =
  | StoredOutcome
  | { readonly result: 'deleted' }
  | WriteRefusal
  | { readonly result: 'failed' }

/**
 * isRefusal reports whether a write outcome is a refusal, which changed nothing.
 *
 * @example if (isRefusal(outcome)) throw refusalError(outcome, target)
 */
export function isRefusal(outcome: WriteOutcome): outcome is WriteRefusal {
  return (
    outcome.result === 'precondition-failed' ||
    outcome.result === 'precondition-required' ||
    outcome.result === 'not-found' ||
    outcome.result === 'unacceptable' ||
    outcome.result === 'busy'
  )
}

/**
 * oneWinnerAtMost reports whether, of a burst of writes all carrying these preconditions, at most one can
 * succeed: `If-Match` with one tag (the first success changes the document's tag away from it) or
 * `If-None-Match: *` (the first success creates the document). The others are refused by their
 * preconditions at once, so such a burst never makes a document's queue wait long, however many arrive. A
 * list of two or more tags is not such a write: bodies that alternate between two versions can each match
 * one of the tags, and every write of the burst commits.
 *
 * @example oneWinnerAtMost({ ...none, ifMatch: '"a"' })      // true
 * @example oneWinnerAtMost({ ...none, ifMatch: '"a", "b"' }) // false
 */
export function oneWinnerAtMost(conditions: ConditionalHeaders): boolean {
  if (conditions.ifMatch !== null) {
    const ifMatch = parseEntityTagCondition(conditions.ifMatch)
    // Weak comparison (the default) ignores W/, so `"a", W/"a"` names one tag.
    if (ifMatch.kind === 'list') return new Set(ifMatch.tags.map((tag) => tag.opaque)).size === 1
  }
  return conditions.ifNoneMatch !== null && parseEntityTagCondition(conditions.ifNoneMatch).kind === 'any'
}

/**
 * refusalOf returns why a write must not proceed (412 or 428), or null when its preconditions hold.
 *
 * @example refusalOf('PUT', conditions, current, policy) // { result: 'precondition-failed', field: 'If-Match', ... }
 */
export function refusalOf(
  method: 'PUT' | 'PATCH' | 'DELETE',
  conditions: ConditionalHeaders,
  current: DocumentValidators | null,
  policy: WritePolicy,
): WriteRefusal | null {
  const outcome = evaluatePreconditions(method, conditions, current, { weakIfMatch: !policy.strictIfMatch })
  // A 304 is only for GET and HEAD; for a write, a false If-None-Match is a failed precondition.
  if (outcome.action === 'precondition-failed') {
    return { result: 'precondition-failed', field: outcome.field, malformed: outcome.malformed, current }
  }
  // Only a write that would change an existing document needs If-Match; creating one does not.
  if (policy.requireIfMatch && current !== null && conditions.ifMatch === null) {
    return { result: 'precondition-required' }
  }
  return null
}

/**
 * putDocument creates or replaces a document if the request's preconditions hold and its content is
 * storable. Storing bytes identical to the current ones writes nothing, so neither validator moves.
 *
 * @example await putDocument(records, { conditions, content: verdict }, policy) // { result: 'created', ... }
 */
export async function putDocument(
  records: DocumentRecords,
  put: { readonly conditions: ConditionalHeaders; readonly content: ContentVerdict },
  policy: WritePolicy,
): Promise<WriteOutcome> {
  const current = await records.current()
  const refusal = refusalOf('PUT', put.conditions, current?.validators ?? null, policy)
  if (refusal) return refusal
  if (!put.content.ok) return { result: 'unacceptable', problem: put.content.problem }
  return store(records, current, put.content)
}

/**
 * patchDocument applies a JSON Merge Patch (RFC 7396) to a document if it exists and the request's
 * preconditions hold, then checks the result as a PUT body would be checked, schema included. A missing
 * document is `not-found` whatever the preconditions say: RFC 9110 section 13.2.1 evaluates them only when
 * the unconditional answer would be 2xx.
 *
 * @example await patchDocument(records, { conditions, patch: { ok: true, json: '{"done":true}' }, rules }, policy)
 */
export async function patchDocument(
  records: DocumentRecords,
  patch: {
    readonly conditions: ConditionalHeaders
    readonly patch: PatchVerdict
    readonly rules: DocumentRules
  },
  policy: WritePolicy,
): Promise<WriteOutcome> {
  const current = await records.current()
  if (current === null) return { result: 'not-found' }
  const refusal = refusalOf('PATCH', patch.conditions, current.validators, policy)
  if (refusal) return refusal
  if (!patch.patch.ok) return { result: 'unacceptable', problem: patch.patch.problem }

  const document: unknown = JSON.parse(new TextDecoder().decode(current.bytes))
  const merged = applyMergePatch(document, JSON.parse(patch.patch.json))
  const verdict = await prepareDocument(merged, patch.rules, policy.maxBodyBytes)
  if (!verdict.ok) return { result: 'unacceptable', problem: verdict.problem }
  return store(records, current, verdict)
}

/**
 * deleteDocument deletes a document if it exists and the request's preconditions hold; a missing document
 * is `not-found` whatever the preconditions say (RFC 9110 section 13.2.1).
 *
 * @example await deleteDocument(records, { conditions }, policy) // { result: 'deleted' }
 */
export async function deleteDocument(
  records: DocumentRecords,
  remove: { readonly conditions: ConditionalHeaders },
  policy: WritePolicy,
): Promise<WriteOutcome> {
  const current = await records.current()
  if (current === null) return { result: 'not-found' }
  const refusal = refusalOf('DELETE', remove.conditions, current.validators, policy)
  if (refusal) return refusal
  await records.commit(null)
  return { result: 'deleted' }
}

async function store(
  records: DocumentRecords,
  current: CommittedDocument | null,
  { content }: { readonly content: { readonly bytes: Uint8Array; readonly etag: string } },
): Promise<StoredOutcome> {
  if (current?.validators.etag === content.etag) {
    return { result: 'unchanged', validators: current.validators, bytes: current.bytes }
  }
  const validators = {
    etag: content.etag,
    lastModified: await nextLastModified(await records.lastModified()),
  }
  await records.commit({ bytes: content.bytes, validators })
  return { result: current ? 'replaced' : 'created', validators, bytes: content.bytes }
}
