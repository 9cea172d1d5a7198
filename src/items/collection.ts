/**
 * The collection: every item's id and representation, in id order, as one canonical JSON document,
 *
 *   {"items":[{"id":"apple","value":{...}},{"id":"pear","value":{...}}]}
 *
 * It is computed from the stored items, never stored itself. Its validators live in a small record in KV,
 * so that a matching If-None-Match is answered 304 without listing the items:
 * - a write that changes an item marks the record stale (etag null), with the time of the change;
 * - a GET that finds the record stale, or differing from what it computed, rewrites it, keeping the time of
 *   the change, so Last-Modified is when the current ETag first came to be.
 */

import { contentETag } from '../http/content-etag.ts'
import { formatHttpDate, parseHttpDate } from '../http/http-date.ts'
import type { CollectionRecord, ItemStore, ItemValidators, ListedItem } from '../store/item-store.ts'

/** CollectionSnapshot is the collection as just computed: its bytes and their validators. */
export interface CollectionSnapshot {
  readonly bytes: Uint8Array
  readonly validators: ItemValidators
}

const encoder = new TextEncoder()

/**
 * collectionBytes assembles the collection document from the items' stored canonical bytes. Each item is
 * already canonical and the wrapper's member names ("id" < "value", "items") are in canonical order, so the
 * result is canonical JSON with no parse and no re-serialisation.
 *
 * @example collectionBytes([{ id: 'a', bytes: encoder.encode('{"n":1}') }]) // {"items":[{"id":"a","value":{"n":1}}]}
 */
export function collectionBytes(items: readonly ListedItem[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode('{"items":[')]
  items.forEach((item, index) => {
    parts.push(
      encoder.encode(`${index === 0 ? '' : ','}{"id":${JSON.stringify(item.id)},"value":`),
      item.bytes,
    )
    parts.push(encoder.encode('}'))
  })
  parts.push(encoder.encode(']}'))
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.byteLength
  }
  return bytes
}

/**
 * currentCollectionValidators returns the validators in the record when it is not stale, for answering a
 * conditional request without listing the items; null when the collection must be computed.
 */
export function currentCollectionValidators(record: CollectionRecord | null): ItemValidators | null {
  return record?.etag ? { etag: record.etag, lastModified: record.lastModified } : null
}

/**
 * computeCollection lists the items, assembles the document and hashes it. When the ETag differs from the
 * record, it schedules a new record through `defer` (the request's waitUntil) so the response does not wait.
 */
export async function computeCollection(
  store: ItemStore,
  record: CollectionRecord | null,
  defer: (work: Promise<unknown>) => void,
): Promise<CollectionSnapshot> {
  const bytes = collectionBytes(await store.listItems())
  const etag = await contentETag(bytes)
  if (record?.etag === etag) return { bytes, validators: { etag, lastModified: record.lastModified } }

  // A stale record carries the time of the write that changed the items; otherwise the change was not
  // seen (the record was missing, or KV had not yet shown this location the write), so it is now.
  const lastModified =
    record && record.etag === null ? record.lastModified : formatHttpDate(Date.now() / 1000)
  const validators = { etag, lastModified }
  defer(refreshRecord(store, record, validators))
  return { bytes, validators }
}

/**
 * markCollectionChanged records that a write changed the items, so the next GET computes the collection
 * again instead of answering 304 for a tag that is no longer current. The mark carries an id of its own, so
 * that a GET refreshing the record can tell that a mark landed meanwhile, and the time of the change, which
 * must move past the previous Last-Modified but must not lie in the future (RFC 9110 section 8.8.2.1).
 *
 * It never waits. When the collection already changed within this second, the mark keeps the previous date
 * and it returns false ("unsettled"): the caller marks again once the second is over, so that an
 * If-Modified-Since of that second does not match for long. It throws when KV fails.
 *
 * @example if (!(await markCollectionChanged(store))) scheduleAnotherMarkNextSecond()
 */
export async function markCollectionChanged(store: ItemStore): Promise<boolean> {
  const record = await store.getCollectionRecord()
  const now = Math.floor(Date.now() / 1000)
  const previous = record ? parseHttpDate(record.lastModified) : null
  const settled = previous === null || previous < now
  const lastModified = settled || !record ? formatHttpDate(now) : record.lastModified
  await store.putCollectionRecord({ etag: null, lastModified, change: crypto.randomUUID() })
  return settled
}

// KV has no compare-and-set. Reading the record again just before writing, and comparing the marks' ids,
// narrows the window in which this refresh could overwrite a newer mark to the time between its last two KV
// calls; writes through a Durable Object (a later step) close it.
async function refreshRecord(store: ItemStore, seen: CollectionRecord | null, validators: ItemValidators) {
  try {
    const latest = await store.getCollectionRecord()
    if (latest?.etag !== seen?.etag || latest?.change !== seen?.change) return
    await store.putCollectionRecord(validators)
  } catch (error) {
    // The record is an optimisation; the next GET computes the collection again.
    console.warn('collection: could not refresh the validator record', error)
  }
}
