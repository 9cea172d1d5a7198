/**
 * vitest globalSetup (runs in Node, before the tests in workerd): starts the two-replica test origin of
 * scripts/replica-origin.ts on loopback and tells the tests where it is (`inject('replicaOrigin')`).
 */

import type { TestProject } from 'vitest/node'
import { startReplicaOrigin } from '../../scripts/replica-origin.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const origin = await startReplicaOrigin()
  project.provide('replicaOrigin', origin.url.href)
  return () => origin.stop()
}
