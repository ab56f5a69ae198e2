const LIMIT = 8 * 1024 * 1024

/**
 * The decompressed bytes, or undefined when they are not valid `format` data or grow past
 * 8 MiB (a diagnosis must not be a way to inflate a bomb). Web streams, so every runtime has it.
 */
export async function decompress(
  bytes: Uint8Array,
  format: 'gzip' | 'deflate' | 'deflate-raw',
): Promise<Uint8Array | undefined> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream(format as CompressionFormat))
    const chunks: Uint8Array[] = []
    let size = 0
    const reader = stream.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > LIMIT) {
        await reader.cancel()
        return undefined
      }
      chunks.push(value)
    }
    const out = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.byteLength
    }
    return out
  } catch {
    return undefined
  }
}
