/**
 * The demo API: JSON items under /api/items/:id, and their collection at /api/items.
 *
 * Reads are validator-first: an item's validators come with its KV metadata, so a 304 never reads the
 * value, and a 200 streams the stored canonical bytes with no parse, no serialisation and no hashing.
 */

import { type Context, Hono } from 'hono'
import { requireBearerToken } from '../auth.ts'
import { REVALIDATE, representationHeaders, respondWithRepresentation } from '../conditional-response.ts'
import { readConfig } from '../config.ts'
import type { AppEnv } from '../env.ts'
import { allowedMethods, methodNotAllowed } from '../errors.ts'
import { CanonicalJsonError, canonicalJson } from '../http/canonical-json.ts'
import { contentETag } from '../http/content-etag.ts'
import { parseJsonBody } from '../http/json-body.ts'
import { isJsonContentType } from '../http/media-type.ts'
import { notModified } from '../http/not-modified.ts'
import { evaluatePreconditions, readConditionalHeaders } from '../http/preconditions.ts'
import { HttpError } from '../http/problem.ts'
import { readBodyWithLimit, rejectDeclaredOverLimit } from '../http/read-body.ts'
import { computeCollection, currentCollectionValidators } from '../items/collection.ts'
import { isItemId } from '../items/item-id.ts'
import { type ItemContent, isRefusal, type WritePolicy, type WriteRefusal } from '../items/item-writes.ts'
import { type ItemStore, KvItemStore } from '../store/item-store.ts'
import { itemWriterFor } from '../writes/item-writer.ts'

const ITEM_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'] as const
const COLLECTION_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const

/** items is the route group mounted at /api/items. */
export const items = new Hono<AppEnv>()

items.get('/', getCollection)
items.options('/', allowedMethods(COLLECTION_METHODS))
items.all('/', methodNotAllowed(COLLECTION_METHODS))

items.get('/:id', getItem)
items.put('/:id', requireBearerToken, replaceItem)
items.delete('/:id', requireBearerToken, removeItem)
items.options('/:id', allowedMethods(ITEM_METHODS))
items.all('/:id', methodNotAllowed(ITEM_METHODS))

function storeOf(c: Context<AppEnv>): ItemStore {
  return new KvItemStore(c.env.ITEMS)
}

// deferTo hands background work (KV bookkeeping) to the request's waitUntil, so responses do not wait for it.
function deferTo(c: Context<AppEnv>): (work: Promise<unknown>) => void {
  return (work) => c.executionCtx.waitUntil(work)
}

function itemIdOf(c: Context<AppEnv>): string {
  const id = c.req.param('id') ?? ''
  if (!isItemId(id)) {
    throw new HttpError(400, 'An item id is 1 to 128 characters from A-Z, a-z, 0-9 and "._~-"')
  }
  return id
}

function itemPath(id: string): string {
  return `/api/items/${id}`
}

/** GET and HEAD /api/items/:id: the stored bytes with their validators, or 304, or 404. */
async function getItem(c: Context<AppEnv>): Promise<Response> {
  const id = itemIdOf(c)
  const item = await storeOf(c).getItem(id)
  if (item === null) throw new HttpError(404, `No item has the id "${id}"`)
  return respondWithRepresentation(c.req.raw, { validators: item.validators, body: item.body })
}

/** GET and HEAD /api/items: the collection, answered from its validator record when that suffices. */
async function getCollection(c: Context<AppEnv>): Promise<Response> {
  const store = storeOf(c)
  const record = await store.getCollectionRecord()
  const known = currentCollectionValidators(record)
  if (known) {
    const outcome = evaluatePreconditions(c.req.method, readConditionalHeaders(c.req.raw.headers), known)
    if (outcome.action === 'not-modified') return notModified(representationHeaders(known))
  }
  const snapshot = await computeCollection(store, record, deferTo(c))
  return respondWithRepresentation(c.req.raw, { validators: snapshot.validators, body: snapshot.bytes })
}

/**
 * readItemContent reads a PUT body and returns its canonical bytes and their tag: within the size limit
 * (413), well-formed UTF-8 JSON (400), an object (422) that canonical JSON can represent (422), whose
 * canonical form also fits the limit (413), so that whatever GET serves can be PUT back.
 */
async function readItemContent(c: Context<AppEnv>, maxBodyBytes: number): Promise<ItemContent> {
  const value = parseJsonBody(await readBodyWithLimit(c.req.raw, maxBodyBytes))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    throw new HttpError(422, `An item must be a JSON object, not ${kind}`)
  }
  let bytes: Uint8Array
  try {
    bytes = new TextEncoder().encode(canonicalJson(value))
  } catch (error) {
    if (error instanceof CanonicalJsonError)
      throw new HttpError(422, `The item cannot be stored: ${error.message}`)
    throw error
  }
  if (bytes.byteLength > maxBodyBytes) {
    throw new HttpError(
      413,
      `The item's canonical form is ${bytes.byteLength} bytes, over the limit of ${maxBodyBytes}`,
    )
  }
  return { bytes, etag: await contentETag(bytes) }
}

/** requireJsonContent applies the checks that need no reading: the content's coding and media type (415). */
function requireJsonContent(c: Context<AppEnv>): void {
  const encoding = c.req.header('Content-Encoding')
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new HttpError(415, `Content-Encoding ${encoding} is not supported; send the body uncompressed`, {
      'Accept-Encoding': 'identity',
    })
  }
  if (!isJsonContentType(c.req.header('Content-Type') ?? null)) {
    throw new HttpError(415, 'Send the item as Content-Type: application/json')
  }
}

function refuse(refusal: WriteRefusal, method: string): never {
  if (refusal.result === 'precondition-required') {
    throw new HttpError(428, `${method} of an existing item needs If-Match (with the item's current ETag)`)
  }
  const reason = refusal.malformed ? 'is malformed' : 'does not hold for the current item'
  throw new HttpError(412, `${refusal.field} ${reason}; nothing was changed`)
}

/** WRITER_RETRY_AFTER_SECONDS is the Retry-After of a 503 caused by the item's writer failing. */
const WRITER_RETRY_AFTER_SECONDS = 5

/**
 * callWriter runs one call to the item's ItemWriter. If the object is unreachable or fails, nothing was
 * committed (a commit is one transactional storage write), so the answer is 503 with Retry-After.
 */
async function callWriter<T>(c: Context<AppEnv>, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    console.error(`${c.req.method} ${c.req.path}: the item writer failed`, error)
    throw new HttpError(503, 'The item could not be written; retry shortly', {
      'Retry-After': String(WRITER_RETRY_AFTER_SECONDS),
    })
  }
}

function writePolicyOf(c: Context<AppEnv>): WritePolicy {
  const { requireIfMatch, strictIfMatch } = readConfig(c.env)
  return { requireIfMatch, strictIfMatch }
}

/** PUT /api/items/:id: create (201) or replace (200) an item; the response carries what GET will serve. */
async function replaceItem(c: Context<AppEnv>): Promise<Response> {
  const id = itemIdOf(c)
  const { maxBodyBytes } = readConfig(c.env)
  const policy = writePolicyOf(c)
  requireJsonContent(c)
  rejectDeclaredOverLimit(c.req.raw, maxBodyBytes)
  const conditions = readConditionalHeaders(c.req.raw.headers)
  const writer = itemWriterFor(c.env, id)

  let content: ItemContent
  try {
    content = await readItemContent(c, maxBodyBytes)
  } catch (error) {
    // RFC 9110 section 13.2.1: preconditions are evaluated before the content is processed, so a failed one
    // is the answer even when the content is unusable too.
    if (error instanceof HttpError) {
      const refusal = await callWriter(c, () => writer.refusal(id, conditions, policy))
      if (isRefusal(refusal)) refuse(refusal, 'PUT')
    }
    throw error
  }
  const outcome = await callWriter(c, () => writer.put(id, content, conditions, policy))
  if (isRefusal(outcome)) refuse(outcome, 'PUT')

  // The body is the stored representation (Content-Location says so), so its validators are what GET serves.
  const headers = representationHeaders(outcome.validators, REVALIDATE)
  headers.set('Content-Location', itemPath(id))
  if (outcome.result === 'created') headers.set('Location', itemPath(id))
  return new Response(outcome.bytes, { status: outcome.result === 'created' ? 201 : 200, headers })
}

/** DELETE /api/items/:id: 204, or 404 when there is no such item. */
async function removeItem(c: Context<AppEnv>): Promise<Response> {
  const id = itemIdOf(c)
  const conditions = readConditionalHeaders(c.req.raw.headers)
  const writer = itemWriterFor(c.env, id)
  const outcome = await callWriter(c, () => writer.remove(id, conditions, writePolicyOf(c)))
  if (outcome.result === 'not-found') throw new HttpError(404, `No item has the id "${id}"`)
  if (isRefusal(outcome)) refuse(outcome, 'DELETE')
  return new Response(null, { status: 204 })
}
