import { PassThrough, Readable } from 'node:stream'
import { expectCode } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { errorResponse } from './answers.js'
import {
  assertDeclaredLength,
  BodyCollector,
  checkMaxBodyBytes,
  RequestAbortedError,
  readNodeStream,
  readWebStream,
} from './body.js'
import { DRAIN_MAX_BYTES } from './drain.js'
import type { WebhookVerificationError } from './errors.js'

/** The headers core's answer to a refusal carries: `Connection: close` once it left the body unread. */
const closes = (error: unknown) =>
  errorResponse(error as WebhookVerificationError).headers.connection === 'close'

const bytes = (n: number) => new Uint8Array(n).fill(7)

describe('body limits', () => {
  it('collects chunks up to the limit and refuses one byte more', () => {
    const collector = new BodyCollector(10)
    collector.push(bytes(4))
    collector.push(bytes(6))
    expect(collector.bytes()).toEqual(bytes(10))
    expect(() => collector.push(bytes(1))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', status: 413 }),
    )
  })

  it('rejects a declared length over the limit before reading, and ignores malformed ones', () => {
    expect(() => assertDeclaredLength('11', 10)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    )
    for (const ok of ['10', undefined, null, '', 'abc', '-5'])
      expect(() => assertDeclaredLength(ok, 10)).not.toThrow()
  })

  it.each([0, -1, 1.5, Number.NaN])('checkMaxBodyBytes rejects %s', (value) => {
    expect(() => checkMaxBodyBytes(value)).toThrow(TypeError)
  })
})

describe('readNodeStream', () => {
  it('reads a stream within the limit, strings as UTF-8', async () => {
    await expect(readNodeStream(Readable.from([bytes(3), 'é']), 10)).resolves.toEqual(
      new Uint8Array([7, 7, 7, 0xc3, 0xa9]),
    )
  })

  it('reads the rest of an oversized body away before it rejects, so the sender can read the 413', async () => {
    const stream = new PassThrough()
    let rejected = false
    const read = readNodeStream(stream, 8).catch((error: unknown) => {
      rejected = true
      throw error
    })
    stream.write(bytes(5))
    stream.write(bytes(5))
    stream.write(bytes(1_000_000))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(rejected).toBe(false)
    stream.end(bytes(1_000_000))
    const error = await expectCode(read, 'PAYLOAD_TOO_LARGE', 413)
    expect(stream.readableEnded).toBe(true)
    // Read to its end: the connection can carry the next request.
    expect(closes(error)).toBe(false)
  })

  it('drains a declared oversized body without collecting it, then rejects', async () => {
    const stream = new PassThrough()
    const read = readNodeStream(stream, 8, { declaredLength: '20' })
    stream.end(bytes(20))
    const error = await expectCode(read, 'PAYLOAD_TOO_LARGE', 413)
    expect(stream.readableEnded).toBe(true)
    expect(closes(error)).toBe(false)
  })

  it(`cuts a body far past the drain bound (${DRAIN_MAX_BYTES / 1024 / 1024} MiB) and destroys it, never buffering it`, async () => {
    let produced = 0
    const chunk = Buffer.alloc(1024 * 1024)
    const endless = new Readable({
      read() {
        produced += chunk.length
        this.push(chunk)
      },
    })
    const heapBefore = process.memoryUsage().arrayBuffers
    const error = await expectCode(readNodeStream(endless, 1024), 'PAYLOAD_TOO_LARGE')
    // The rest is never read, and the stream is destroyed a second after the answer: no
    // `Connection: close`, which would make Node's server close the socket as the 413 is written.
    expect(closes(error)).toBe(false)
    expect(endless.destroyed).toBe(false)
    expect(produced).toBeGreaterThan(DRAIN_MAX_BYTES)
    expect(produced).toBeLessThan(DRAIN_MAX_BYTES + 32 * 1024 * 1024)
    // Read and dropped: not 64 MiB more held.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(32 * 1024 * 1024)
    await new Promise((resolve) => endless.once('close', resolve))
    expect(endless.destroyed).toBe(true)
  })

  it('rejects a body still arriving at the deadline with BODY_TIMEOUT, and destroys it after the grace', async () => {
    const slow = new PassThrough()
    slow.write(bytes(1))
    const error = await expectCode(
      readNodeStream(slow, 100, { timeoutMs: 50 }),
      'BODY_TIMEOUT',
      408,
    )
    expect(closes(error)).toBe(true)
    expect(slow.destroyed).toBe(false)
    await new Promise((resolve) => slow.once('close', resolve))
    expect(slow.destroyed).toBe(true)
  })

  it('turns a stream error or an early close into RequestAbortedError, and survives late errors', async () => {
    const failing = new PassThrough()
    const read = readNodeStream(failing, 100)
    failing.destroy(new Error('ECONNRESET'))
    await expect(read).rejects.toBeInstanceOf(RequestAbortedError)
    const closed = new PassThrough()
    const early = readNodeStream(closed, 100)
    closed.emit('close')
    await expect(early).rejects.toMatchObject({ status: 400, code: 'ECONNABORTED' })
    expect(() => closed.emit('error', new Error('late'))).not.toThrow()
  })
})

describe('readWebStream', () => {
  const stream = (...chunks: Uint8Array[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })

  it('reads within the limit, treats no body as empty and refuses more', async () => {
    await expect(readWebStream(stream(bytes(2), bytes(3)), 5)).resolves.toEqual(bytes(5))
    await expect(readWebStream(null, 5)).resolves.toEqual(new Uint8Array())
    await expectCode(readWebStream(stream(bytes(4), bytes(4)), 5), 'PAYLOAD_TOO_LARGE')
    await expectCode(
      readWebStream(stream(bytes(4), bytes(4)), 5, { declaredLength: '8' }),
      'PAYLOAD_TOO_LARGE',
    )
  })

  it('reads an oversized body to its end before it rejects', async () => {
    let pulled = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        if (pulled > 100) controller.close()
        else controller.enqueue(bytes(10))
      },
    })
    const error = await expectCode(readWebStream(body, 5), 'PAYLOAD_TOO_LARGE')
    expect(pulled).toBe(101)
    expect(closes(error)).toBe(false)
  })

  it(`stops past the drain bound and cancels the stream a second later`, async () => {
    let produced = 0
    let cancelled = false
    const chunk = new Uint8Array(1024 * 1024)
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        produced += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const error = await expectCode(readWebStream(endless, 1024), 'PAYLOAD_TOO_LARGE')
    expect(produced).toBeGreaterThan(DRAIN_MAX_BYTES)
    expect(closes(error)).toBe(false)
    expect(cancelled).toBe(false)
    await expect.poll(() => cancelled, { timeout: 5_000 }).toBe(true)
  })

  it('rejects a body still arriving at the deadline with BODY_TIMEOUT', async () => {
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) })
    const error = await expectCode(readWebStream(never, 5, { timeoutMs: 50 }), 'BODY_TIMEOUT', 408)
    expect(closes(error)).toBe(true)
  })

  it('answers RAW_BODY_UNAVAILABLE for a stream someone else is reading', async () => {
    const locked = stream(bytes(1))
    locked.getReader()
    await expectCode(readWebStream(locked, 5), 'RAW_BODY_UNAVAILABLE', 500)
  })
})
