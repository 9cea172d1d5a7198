/**
 * The description of `POST .../reindex/{resource}` (src/json-resource/reindex.ts): the backfill of a
 * resource's indexes, one page of its documents per request, for whichever declared resource the path names.
 */

import { OBSERVED_HEADERS, parameterRef, responseRef } from './components.ts'
import type { JsonSchema } from './json-schemas.ts'

/** REINDEX_SCHEMAS are the schemas the reindex operation refers to: its answer's body. */
export const REINDEX_SCHEMAS: Record<string, JsonSchema> = {
  ReindexPage: {
    type: 'object',
    description: 'What one reindex request did.',
    properties: {
      reindexed: { type: 'integer', minimum: 0, description: 'How many documents this page held.' },
      entries: {
        type: 'integer',
        minimum: 0,
        description: 'How many index entries those documents now have.',
      },
      indexes: {
        type: 'array',
        items: { type: 'string' },
        description:
          'The names of the indexes the resource declares (`where-done`, `sort-due`, `where-done+sort-due`).',
      },
      next: {
        type: ['string', 'null'],
        description: 'The URL to post next, with its cursor; null once every document is reindexed.',
      },
    },
    required: ['reindexed', 'entries', 'indexes', 'next'],
  },
}

/**
 * reindexOperation returns the POST operation of the reindex route; `resources` are the names the path may
 * take (the resources the document describes), or empty when it describes none.
 *
 * @example reindexOperation(['items', 'tasks']).parameters[0].schema // { type: 'string', enum: ['items', 'tasks'] }
 */
export function reindexOperation(resources: readonly string[]) {
  return {
    operationId: 'admin.reindex',
    tags: ['admin'],
    security: [{ bearer: [] }],
    summary: "Backfill a resource's indexes, one page of its documents per request",
    description:
      "Writes the index entries of up to `limit` documents, in id order from `cursor`, as each document's writer " +
      'publishes them, and removes the entries they no longer have. Post `next` until it is null: the backfill can ' +
      'stop and resume anywhere, and running it again changes nothing. Until it ends, a query page may miss ' +
      'documents not reached yet, never list wrong ones.',
    parameters: [
      {
        name: 'resource',
        in: 'path',
        required: true,
        description: 'The name of a declared resource.',
        schema: resources.length === 0 ? { type: 'string' } : { type: 'string', enum: resources },
      },
      parameterRef('limit'),
      parameterRef('cursor'),
    ],
    responses: {
      '200': {
        description: 'The page of documents is reindexed.',
        headers: OBSERVED_HEADERS,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ReindexPage' } } },
      },
      '400': responseRef('BadRequest'),
      '401': responseRef('Unauthorized'),
      '404': responseRef('UnknownResource'),
      '503': responseRef('ServiceUnavailable'),
    },
  }
}
