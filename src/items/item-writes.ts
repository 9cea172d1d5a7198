/**
 * Conditional writes of items: evaluate the request's preconditions against the current item, then commit.
 *
 * The check and the commit are atomic only if nothing else writes the item in between: the caller runs these
 * functions one at a time per item (the ItemWriter Durable Object does), against the item's authoritative
 * state, never against KV, which has no compare-and-set.
 */

import { type ConditionalHeaders, evaluatePreconditions } from '../http/preconditions.ts'
import type { ItemValidators } from '../store/item-store.ts'
import { nextLastModified } from './last-modified.ts'

/** ItemRecords is the authoritative state writes are checked against and committed to. */
export interface ItemRecords {
  /** getValidators returns the item's current validators; null when there is no such item. */
  getValidators(id: string): Promise<ItemValidators | null>
  /** commitPut stores the item's new bytes and validators, durably, before it returns. */
  commitPut(id: string, bytes: Uint8Array, validators: ItemValidators): Promise<void>
  /** commitDelete removes the item, durably, before it returns. */
  commitDelete(id: string): Promise<void>
}
/** WritePolicy holds the deployment's switches for conditional writes. */
export interface WritePolicy {
  /** Answer 428 to a replacing PUT or a DELETE without If-Match (RFC 6585 section 3). */
  readonly requireIfMatch: boolean
  /** Compare If-Match strongly only, refusing tags weakened by Cloudflare's compression. */
  readonly strictIfMatch: boolean
}

/** ItemContent is an item's canonical JSON bytes and their strong tag. */
export interface ItemContent {
  readonly bytes: Uint8Array
  readonly etag: string
}

/** PutItem is a request to store the content of a PUT as item `id`. */
export interface PutItem {
  readonly id: string
  readonly conditions: ConditionalHeaders
  /**
   * Reads and canonicalises the request content, throwing when it is unacceptable. It is called only once
   * the preconditions hold: RFC 9110 section 13.2.1 evaluates them just before the content is processed, so
   * a stale If-Match gets 412 whatever the body holds.
   */
  readonly content: () => Promise<ItemContent>
}

/** DeleteItem is a request to delete item `id`. */
export interface DeleteItem {
  readonly id: string
  readonly conditions: ConditionalHeaders
}

/** WriteRefusal is why a write changed nothing: a failed precondition (412) or a missing one (428). */
export type WriteRefusal =
  | {
      readonly result: 'precondition-failed'
      readonly field: 'If-Match' | 'If-Unmodified-Since' | 'If-None-Match'
      readonly malformed: boolean
    }
  | { readonly result: 'precondition-required' }

/** PutOutcome is what a PUT did; `unchanged` means the bytes were identical, so nothing was written. */
export type PutOutcome =
  | {
      readonly result: 'created' | 'replaced' | 'unchanged'
      readonly validators: ItemValidators
      readonly bytes: Uint8Array
    }
  | WriteRefusal

/** DeleteOutcome is what a DELETE did. */
export type DeleteOutcome = { readonly result: 'deleted' | 'not-found' } | WriteRefusal

/** isRefusal reports whether a write outcome is a refusal, which changed nothing. */
export function isRefusal(
  outcome: PutOutcome | DeleteOutcome | WriteRefusal | null,
): outcome is WriteRefusal {
  return outcome?.result === 'precondition-failed' || outcome?.result === 'precondition-required'
}

/**
 * refusalOf returns why a write must not proceed (412 or 428), or null when its preconditions hold.
 *
 * @example refusalOf('PUT', conditions, current, policy) // { result: 'precondition-failed', field: 'If-Match', ... }
 */
export function refusalOf(
  method: 'PUT' | 'DELETE',
  conditions: ConditionalHeaders,
  current: ItemValidators | null,
  policy: WritePolicy,
): WriteRefusal | null {
  const outcome = evaluatePreconditions(method, conditions, current, { weakIfMatch: !policy.strictIfMatch })
  // A 304 is only for GET and HEAD; for a write, a false If-None-Match is a failed precondition.
  if (outcome.action === 'precondition-failed') {
    return { result: 'precondition-failed', field: outcome.field, malformed: outcome.malformed }
  }
  // Only a write that would change an existing item needs If-Match; creating one does not.
  if (policy.requireIfMatch && current !== null && conditions.ifMatch === null) {
    return { result: 'precondition-required' }
  }
  return null
}

/**
 * putItem creates or replaces an item if the request's preconditions hold. Storing bytes identical to the
 * current ones writes nothing, so neither the ETag nor Last-Modified moves.
 *
 * @example await putItem(records, { id: 'apple', conditions, content }, policy) // { result: 'created', ... }
 */
export async function putItem(records: ItemRecords, put: PutItem, policy: WritePolicy): Promise<PutOutcome> {
  const current = await records.getValidators(put.id)
  const refusal = refusalOf('PUT', put.conditions, current, policy)
  if (refusal) return refusal
  const { bytes, etag } = await put.content()
  if (current?.etag === etag) return { result: 'unchanged', validators: current, bytes }

  const validators = { etag, lastModified: await nextLastModified(current?.lastModified) }
  await records.commitPut(put.id, bytes, validators)
  return { result: current ? 'replaced' : 'created', validators, bytes }
}

/**
 * deleteItem deletes an item if the request's preconditions hold. A missing item is `not-found` whatever the
 * preconditions say: RFC 9110 section 13.2.1 evaluates them only when the unconditional answer would be 2xx.
 *
 * @example await deleteItem(records, { id: 'apple', conditions }, policy) // { result: 'deleted' }
 */
export async function deleteItem(
  records: ItemRecords,
  remove: DeleteItem,
  policy: WritePolicy,
): Promise<DeleteOutcome> {
  const current = await records.getValidators(remove.id)
  if (current === null) return { result: 'not-found' }
  const refusal = refusalOf('DELETE', remove.conditions, current, policy)
  if (refusal) return refusal

  await records.commitDelete(remove.id)
  return { result: 'deleted' }
}
