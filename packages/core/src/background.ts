function reportRejection(err: unknown): void {
  console.error('[hookguard] BACKGROUND_REJECTED: a background task rejected', err)
}

/**
 * Starts a `respond` outcome's background work a timer turn after the response was handed over,
 * so a slow synchronous start cannot delay the acknowledgement. Core's receiver reports its own
 * failures through its `logger` and never rejects; the promise returned here never rejects either
 * (a custom receiver that breaks that contract is reported, not left as an unhandled rejection).
 * Adapters call `runAfterResponse`, which hands it to the platform's `waitUntil` where there is
 * one.
 *
 * @example
 * if (outcome.background) ctx.waitUntil(deferBackground(outcome.background))
 */
export function deferBackground(background: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0))
    .then(background)
    .catch(reportRejection)
}

// Node, Bun and Deno have it: the callback runs once the current callback and its microtasks are
// done, before the event loop turns. Elsewhere (Workers, browsers) a timer turn.
type Background = () => Promise<void>
const nextTick = (
  globalThis as {
    process?: {
      nextTick?: (callback: (background: Background) => void, background: Background) => void
    }
  }
).process?.nextTick

function start(background: Background): void {
  try {
    background().catch(reportRejection)
  } catch (err) {
    reportRejection(err)
  }
}

/**
 * Starts a `respond` outcome's background work once the response was handed to the server, for a
 * server process that keeps running on its own: on node:http, Express and Fastify the response is
 * written to the socket by then (`res.end()` writes before it returns); on @hono/node-server it is
 * written before the next tick. The work starts on the next tick instead of a timer turn later:
 * an event waiting for a timer keeps its parsed body alive across the requests that arrive
 * meanwhile, and at a few thousand events a second that is megabytes the young-generation
 * collector copies and promotes (measured: 1.1 MB instead of 0.1 MB surviving each scavenge, and
 * twice the collector's time per request). Failures are reported as `deferBackground` reports
 * them. Where a platform ends the work with the request (Workers, serverless), pass its
 * `waitUntil`: the work then starts a timer turn later under it (`deferBackground`), which keeps
 * the platform alive until it settles.
 *
 * @example
 * res.end(body)
 * if (outcome.background) runAfterResponse(outcome.background)
 * // on Workers: runAfterResponse(outcome.background, (task) => ctx.waitUntil(task))
 */
export function runAfterResponse(
  background: () => Promise<void>,
  waitUntil?: (task: Promise<void>) => void,
): void {
  if (waitUntil) waitUntil(deferBackground(background))
  else if (nextTick) nextTick(start, background)
  else setTimeout(start, 0, background)
}
