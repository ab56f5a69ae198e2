import { BODY, type EVENT, signHookguard } from '@hookguard/test-kit'

export { BODY, countingStream, EVENT, NOW, NOW_S, SECRET } from '@hookguard/test-kit'
export type OrderEvent = typeof EVENT

/** A signed POST `Request` for the hookguard scheme at `NOW`. */
export function signedRequest(
  body: string | Uint8Array = BODY,
  options: { secret?: string; headers?: Record<string, string>; url?: string } = {},
): Request {
  return new Request(options.url ?? 'http://receiver.test/webhooks', {
    method: 'POST',
    body: body as BodyInit,
    headers: {
      'content-type': 'application/json',
      ...signHookguard(body, options),
      ...options.headers,
    },
  })
}

/** The ExecutionContext shape Workers pass to `fetch`: records what `waitUntil` was given. */
export function executionContext() {
  const tasks: Promise<unknown>[] = []
  const ctx = {
    waitUntil(task: Promise<unknown>) {
      // Workers call it as a method; a detached call would throw there, so fail here too.
      if (this !== ctx) throw new TypeError('Illegal invocation')
      tasks.push(task)
    },
    passThroughOnException() {},
  }
  return { tasks, ctx }
}

export const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms))
