import { PassThrough, Readable } from 'node:stream'
import { expectCode } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import {
  assertDeclaredLength,
  BodyCollector,
  checkMaxBodyBytes,
  RequestAbortedError,
  readNodeStream,
  readWebStream,
} from './body.js'

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

  it('rejects as soon as the limit is passed, and drains the rest', async () => {
    const stream = new PassThrough()
    const read = readNodeStream(stream, 8)
    stream.write(bytes(5))
    stream.write(bytes(5))
    await expectCode(read, 'PAYLOAD_TOO_LARGE', 413)
    stream.end(bytes(1_000_000))
    await new Promise((resolve) => stream.on('end', resolve))
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
  })

  it('answers RAW_BODY_UNAVAILABLE for a stream someone else is reading', async () => {
    const locked = stream(bytes(1))
    locked.getReader()
    await expectCode(readWebStream(locked, 5), 'RAW_BODY_UNAVAILABLE', 500)
  })
})
