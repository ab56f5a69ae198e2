/**
 * What every published package carries, so a new package cannot ship without it: license and
 * LICENSE file, a CHANGELOG (written by changesets), repository/homepage/bugs/keywords for the
 * npm page, public access for a scoped name, and the Node versions the README states.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const dirs = readdirSync(join(root, 'packages')).filter((dir) =>
  existsSync(join(root, 'packages', dir, 'package.json')),
)

describe.each(dirs)('packages/%s', (dir) => {
  const path = join(root, 'packages', dir)
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'))

  it('has the fields the npm page and a publish need', () => {
    expect(manifest.name).toMatch(/^@hookguard\//)
    expect(manifest.license).toBe('MIT')
    expect(manifest.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/hookguard/hookguard.git',
      directory: `packages/${dir}`,
    })
    expect(manifest.homepage).toBe(
      `https://github.com/hookguard/hookguard/tree/main/packages/${dir}#readme`,
    )
    expect(manifest.bugs).toEqual({ url: 'https://github.com/hookguard/hookguard/issues' })
    expect(manifest.keywords?.length).toBeGreaterThan(0)
    expect(manifest.publishConfig).toEqual({ access: 'public' })
    expect(manifest.private).toBeUndefined()
  })

  it("supports the Node versions the repository's README states (the root engines)", () => {
    expect(rootManifest.engines.node).toBe('>=20.19')
    expect(manifest.engines).toEqual(rootManifest.engines)
  })

  it('ships a LICENSE, a README and a CHANGELOG', () => {
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md']) {
      expect(existsSync(join(path, file)), `${dir}/${file}`).toBe(true)
    }
    expect(readFileSync(join(path, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(root, 'LICENSE'), 'utf8'),
    )
    expect(readFileSync(join(path, 'CHANGELOG.md'), 'utf8')).toMatch(
      new RegExp(`^# ${manifest.name.replace('/', '\\/')}\\n`),
    )
  })
})
