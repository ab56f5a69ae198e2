/**
 * Starts a `respond` outcome's background work a timer turn after the response was handed over,
 * so a slow synchronous start cannot delay the acknowledgement. Core's receiver reports its own
 * failures through its `logger` and never rejects; the promise returned here never rejects either
 * (a custom receiver that breaks that contract is reported, not left as an unhandled rejection).
 * Hand it to the platform's `waitUntil` where there is one.
 *
 * @example
 * if (outcome.background) ctx.waitUntil(deferBackground(outcome.background))
 */
export function deferBackground(background: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0))
    .then(background)
    .catch((err: unknown) => {
      console.error('[hookguard] BACKGROUND_REJECTED: a background task rejected', err)
    })
}
