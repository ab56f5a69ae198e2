import { runAfterResponse } from '@hookguard/core/adapter'

/** The part of a Workers `ExecutionContext` (or any platform context) that keeps work alive. */
interface WaitUntilContext {
  waitUntil(task: Promise<unknown>): void
}

function hasWaitUntil(context: unknown): context is WaitUntilContext {
  return (
    typeof context === 'object' &&
    context !== null &&
    typeof (context as Partial<WaitUntilContext>).waitUntil === 'function'
  )
}

/**
 * Starts `ack: 'before'` work once the response is on its way, under the platform's `waitUntil`
 * where there is one, so a Worker or a serverless function stays alive until the work settles.
 * Elsewhere (Node, Bun, Deno servers) the process simply keeps running it (see `runAfterResponse`).
 */
export function startBackground(
  background: () => Promise<void>,
  waitUntil: ((task: Promise<unknown>) => void) | undefined,
  context: unknown,
): void {
  // Called as a method: workerd refuses a detached `waitUntil` ("Illegal invocation").
  const keepAlive =
    waitUntil ??
    (hasWaitUntil(context) ? (task: Promise<void>) => context.waitUntil(task) : undefined)
  runAfterResponse(background, keepAlive)
}
