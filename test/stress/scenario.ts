import type { Plan } from './plan.js'
import type { ServerTiming } from './protocol.js'

/** What a scenario gets: one receiver's URL (`POST /webhooks`) and the run's settings. */
export interface ScenarioContext {
  url: string
  secret: string
  plan: Plan
  rng: () => number
  /** Unique per receiver and scenario; event ids start with it. */
  label: string
  /** Local files holding the oversized bodies, for curl. */
  files: Map<number, string>
  bodies: Map<number, Buffer>
  /** The receiver's own request timing, from its process (answer times since the last take). */
  serverTiming: () => Promise<ServerTiming>
}
