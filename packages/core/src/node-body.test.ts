import { PassThrough } from 'node:stream'
import { expectCode } from '@hookguard/test-kit'
import { describe, expect, it } from 'vitest'
import { errorResponse } from './answers.js'
import { RequestAbortedError } from './body.js'
import { WebhookVerificationError } from './errors.js'
import { bodyStreamTaken, type NodeBodySource, readNodeBody } from './node-body.js'

type Request = PassThrough & { headers: { 'content-length'?: string }; kept?: Uint8Array }

function request(contentLength?: string): Request {
  return Object.assign(new PassThrough(), {
    headers: contentLength === undefined ? {} : { 'content-length': contentLength },
  })
}

const source: NodeBodySource<Request> = {
  maxBytes: 8,
  kept: (req) => req.kept,
  unavailable: () => new WebhookVerificationError('RAW_BODY_UNAVAILABLE', 'Fix: read it first'),
}

describe('readNodeBody', () => {
  it('takes kept bytes within the limit without touching the stream, and refuses more', async () => {
    const req = request()
    req.kept = new Uint8Array([1, 2, 3])
    await expect(readNodeBody(req, source)).resolves.toBe(req.kept)
    expect(req.readableFlowing).toBe(null)
    req.kept = new Uint8Array(9)
    await expectCode(readNodeBody(req, source), 'PAYLOAD_TOO_LARGE', 413)
  })

  it('reads the stream through the limited reader, refusing a declared length over the limit', async () => {
    const req = request('3')
    const read = readNodeBody(req, source)
    req.end(Buffer.from('abc'))
    expect(Buffer.from(await read).toString()).toBe('abc')
    const declared = request('9')
    const refused = readNodeBody(declared, source)
    declared.end(Buffer.alloc(9))
    await expectCode(refused, 'PAYLOAD_TOO_LARGE', 413)
  })

  it("answers the adapter's RAW_BODY_UNAVAILABLE for a stream read, being read or set flowing", async () => {
    const ended = request()
    ended.end()
    ended.resume()
    await new Promise((resolve) => ended.once('end', resolve))
    const reading = request()
    reading.write('a')
    reading.read()
    const flowing = request()
    flowing.resume()
    for (const req of [ended, reading, flowing]) {
      expect(bodyStreamTaken(req)).toBe(true)
      const error = await expectCode(readNodeBody(req, source), 'RAW_BODY_UNAVAILABLE', 500)
      expect(error.message).toBe('Fix: read it first')
      // Refused while something else still reads it: the answer closes the connection.
      const { headers } = errorResponse(error as WebhookVerificationError)
      expect(headers).toEqual(req === ended ? {} : { connection: 'close' })
    }
    expect(bodyStreamTaken(request())).toBe(false)
  })

  it('turns a request destroyed before its body was read into RequestAbortedError', async () => {
    const req = request()
    req.destroy()
    await expect(readNodeBody(req, source)).rejects.toBeInstanceOf(RequestAbortedError)
  })

  it('rejects, never throws, when kept() throws', async () => {
    const throwing: NodeBodySource<Request> = {
      ...source,
      kept: () => {
        throw new WebhookVerificationError('RAW_BODY_UNAVAILABLE', 'parsed')
      },
    }
    await expectCode(readNodeBody(request(), throwing), 'RAW_BODY_UNAVAILABLE')
  })
})
