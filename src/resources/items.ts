/**
 * items: the demo's first resource, any JSON object, at /api/items (see src/index.ts).
 */

import { jsonResource } from '../json-resource/index.ts'

/** items serves any JSON object as a document; it declares no schema. */
export const items = jsonResource({ name: 'items' })
