/**
 * What keeps the origin's answers from acting on this worker's origin. They are served from the same scheme,
 * host and port as the demo page and the API, so an HTML answer that runs script (a reflected XSS in the origin
 * app, say) could read what the page keeps in localStorage, the write token among it. Every answer that comes
 * from the origin is therefore sandboxed, the way GitHub serves raw files: `Content-Security-Policy: sandbox`
 * gives a document an opaque origin, no script, no forms, no popups (CSP Level 3, section 6.3.2.1), and
 * `nosniff` keeps a browser from reading JSON or text as script or HTML. Passing active content on without a
 * sandbox was not an option: origin mode fronts APIs, and an API's HTML (an error page, its docs) should still
 * show, only never with this origin's privileges.
 *
 * Pure: standard Responses only.
 */

/**
 * SANDBOX_POLICY is the policy appended to every answer from the origin. It is a policy of its own, added to
 * any the origin sends (RFC 9110 section 5.3: a second field value), so the origin's policy holds too, and its
 * `sandbox allow-scripts` cannot loosen this one: every policy is enforced.
 */
export const SANDBOX_POLICY = 'sandbox'

/**
 * sandboxed returns the response with SANDBOX_POLICY appended to its Content-Security-Policy and
 * `X-Content-Type-Options: nosniff`.
 *
 * @example sandboxed(new Response('<script>alert(1)</script>')).headers.get('Content-Security-Policy') // 'sandbox'
 */
export function sandboxed(response: Response): Response {
  response.headers.append('Content-Security-Policy', SANDBOX_POLICY)
  response.headers.set('X-Content-Type-Options', 'nosniff')
  return response
}
