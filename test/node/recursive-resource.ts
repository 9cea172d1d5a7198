/**
 * A forker's resource whose schema zod cannot state in one piece: an outline is recursive (its sections are
 * outlines) and names a part (`.meta({ id })`), so its JSON Schema has `$defs` and local references (`#`,
 * `#/$defs/Title`), which the OpenAPI document must point at components of their own.
 */

import { Hono } from 'hono'
import { z } from 'zod'
import { jsonResource } from '../../src/json-resource/index.ts'
import { serveOpenApi } from '../../src/openapi/openapi-route.ts'

interface Outline {
  title: string
  sections: Outline[]
}

const outline: z.ZodType<Outline> = z.object({
  title: z.string().meta({ id: 'Title' }),
  get sections() {
    return z.array(outline)
  },
})

/** OUTLINES_APP serves the resource `outlines` at /api/outlines, and its /openapi.json. */
export const OUTLINES_APP = new Hono()
OUTLINES_APP.route('/api/outlines', jsonResource({ name: 'outlines', schema: outline }))
OUTLINES_APP.get('/openapi.json', serveOpenApi(OUTLINES_APP, { title: 'outlines', version: '1' }))
