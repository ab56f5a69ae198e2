import type { NodeReadableLike } from './body.js'

/**
 * How much of an oversized body is read and dropped before the 413, and for how long at most.
 * Most HTTP clients read the answer only once they have sent the whole body: a server that
 * answers and closes while the body is still arriving leaves them a reset (EPIPE, ECONNRESET)
 * instead of the 413. So the readers drop the rest of the body first (never buffering it), then
 * reject, and the connection stays usable. Past either bound they stop reading and reject at once,
 * and the rest of a body far past the limit is never read: the stream is destroyed (cancelled)
 * `CUT_GRACE_MS` later, which ends the connection on Node and Deno (Bun keeps it until its
 * `idleTimeout`, 10 s by default). The 413 goes out without `Connection: close`: Node's server and
 * Bun close a socket the moment such an answer is written, so a sender still uploading would
 * often hit a reset (EPIPE) before it read the 413 (2 in 6 on Express, 1 in 4 on Bun, measured).
 */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024
export const DRAIN_MAX_MS = 10_000

/** How long a connection the reader gave up on stays open for its answer to be sent and read. */
export const CUT_GRACE_MS = 1_000

function unref(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref()
}

/** Destroys the stream after the grace period, unless the answer closed it first. */
export function cutAfterGrace(cut: () => void): void {
  unref(setTimeout(cut, CUT_GRACE_MS))
}

/**
 * Reads a Node request's remaining body away within the bounds; resolves once it ended (or the
 * client went away), or once a bound was hit (the stream is then paused, and destroyed after the
 * grace period). Never rejects.
 */
export function drainNode(stream: NodeReadableLike): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    let seen = 0
    const stop = () => {
      clearTimeout(timer)
      stream.off('data', count)
      stream.off('end', stop)
      stream.off('close', stop)
      stream.off('error', stop)
      resolve()
    }
    const cut = () => {
      stop()
      stream.pause?.()
      cutAfterGrace(() => stream.destroy?.())
    }
    const count = (chunk: { length: number }) => {
      seen += chunk.length
      if (seen > DRAIN_MAX_BYTES) cut()
    }
    const timer = setTimeout(cut, DRAIN_MAX_MS)
    unref(timer)
    stream.on('data', count)
    stream.on('end', stop)
    stream.on('close', stop)
    stream.on('error', stop)
    stream.resume()
  })
}

/**
 * Reads a Web stream's remaining body away within the bounds; resolves once it ended or failed,
 * or once a bound was hit (the stream is then cancelled after the grace period: cancelling a Node
 * bridge's stream destroys the connection, which must first carry the answer). Never rejects.
 */
export async function drainWebReader(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<void> {
  let seen = 0
  let timedOut = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<{ done: true; value: undefined }>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true
      resolve({ done: true, value: undefined })
    }, DRAIN_MAX_MS)
  })
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline])
      if (done) break
      seen += value.byteLength
      if (seen > DRAIN_MAX_BYTES) {
        timedOut = true
        break
      }
    }
  } catch {
    // The stream failed: nothing is left to drain.
  } finally {
    clearTimeout(timer)
  }
  if (timedOut) cutAfterGrace(() => void reader.cancel().catch(() => {}))
}
