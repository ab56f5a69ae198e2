import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { files } from './fixtures/explain/generate.js'

const dir = new URL('./fixtures/explain/', import.meta.url)

describe('the explain corpus (test/fixtures/explain)', () => {
  it('is what generate.ts writes, byte for byte: a run changes nothing', () => {
    const committed = readdirSync(dir).filter((file) => file.endsWith('.json'))
    expect(committed.sort()).toEqual([...files.keys()].sort())
    const changed = committed.filter(
      (file) => readFileSync(new URL(file, dir), 'utf8') !== files.get(file),
    )
    // A name here: the generator draws something per run (an id, a time) or was changed without
    // regenerating (npx tsx test/fixtures/explain/generate.ts).
    expect(changed).toEqual([])
  })
})
