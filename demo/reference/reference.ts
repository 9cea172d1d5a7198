/**
 * The API reference page (/docs): Swagger UI, served from this worker's own assets (the swagger-ui-dist
 * package, copied by scripts/build-reference.ts), rendering the API's /openapi.json. "Try it out" sends its
 * requests to this origin (the document's `servers` is `/`); the token pasted into Authorize stays in this
 * tab's memory. Nothing is fetched from anywhere else: no validator badge, no remote specification.
 */

/** SwaggerUIBundle is the global swagger-ui-bundle.js defines; only what this page uses is declared. */
declare const SwaggerUIBundle: ((options: Record<string, unknown>) => unknown) & {
  readonly presets: { readonly apis: unknown }
}

SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#reference',
  presets: [SwaggerUIBundle.presets.apis],
  // Off: the default sends the whole description to validator.swagger.io for a badge.
  validatorUrl: null,
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  // Shows the ETag, Last-Modified and Server-Timing of every answer, 304s included.
  showCommonExtensions: true,
  onComplete: () => {
    document.body.dataset.state = 'ready'
  },
})
