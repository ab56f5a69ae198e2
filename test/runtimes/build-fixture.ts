/**
 * Builds what a user installs and bundles it the way each runtime's tooling would, into a fresh
 * directory (argv[2]) so the shared packages' dist/ is never touched while other tests read it:
 *
 *   node_modules/@hookguard/{core,hono,web}  package.json + dist from each package's own tsup config
 *   node_modules/hono                    the installed Hono
 *   app.js, bun.js, deno.js, worker.js   the scenario app and one entry per runtime
 *   worker.bundle.js, deno.bundle.js     esbuild bundles with workerd / Deno web conditions
 *
 * Runs in its own process (`node --import tsx`): tsup reads the package from the working directory.
 */
import { copyFile, mkdir, realpath, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

interface TsupOptions {
  entry?: string[] | Record<string, string>
  outDir?: string
  [key: string]: unknown
}
interface EsbuildResult {
  metafile: { inputs: Record<string, unknown> }
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<EsbuildResult>
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const [, , outArgument] = process.argv
if (!outArgument) throw new Error('usage: build-fixture.ts <output directory>')
const out: string = outArgument

const require = createRequire(import.meta.url)
// esbuild is tsup's own dependency (not hoisted): load the copy tsup uses.
const tsupPath = require.resolve('tsup')
const esbuild = createRequire(tsupPath)('esbuild') as Esbuild
const { build } = (await import(pathToFileURL(tsupPath).href)) as {
  build(options: TsupOptions): Promise<void>
}

async function buildPackage(name: string) {
  const dir = join(root, 'packages', name)
  const target = join(out, 'node_modules', '@hookguard', name)
  await mkdir(target, { recursive: true })
  await copyFile(join(dir, 'package.json'), join(target, 'package.json'))
  process.chdir(dir)
  const config = (await import(pathToFileURL(join(dir, 'tsup.config.ts')).href)) as {
    default: TsupOptions | TsupOptions[]
  }
  // Absolute entries: esbuild's service keeps the working directory it started in.
  const absolute = (entry: TsupOptions['entry']) =>
    Array.isArray(entry)
      ? entry.map((file) => join(dir, file))
      : Object.fromEntries(Object.entries(entry ?? {}).map(([key, file]) => [key, join(dir, file)]))
  for (const options of [config.default].flat()) {
    // Types are not needed at run time, and the declaration build is the slow part.
    await build({
      ...options,
      entry: absolute(options.entry),
      outDir: join(target, options.outDir ?? 'dist'),
      dts: false,
      silent: true,
      config: false,
    })
  }
}

await buildPackage('core')
await buildPackage('hono')
await buildPackage('web')
await symlink(await realpath(join(root, 'node_modules/hono')), join(out, 'node_modules/hono'))

const files: Record<string, string> = {
  'app.js': `import { webhook } from '@hookguard/hono'
import { verifyRequest, webhookHandler } from '@hookguard/web'
import { Hono } from 'hono'

export function createApp(secret, runtime) {
  const app = new Hono()
  app.get('/health', (c) => c.text('ok'))
  app.post('/webhooks', webhook({ secret, maxBodyBytes: 4096 }), async (c) => {
    const text = await c.req.text()
    const bytes = (await c.req.arrayBuffer()).byteLength
    return c.json({ runtime, event: c.get('webhook'), text, bytes, json: await c.req.json() })
  })
  // With on handlers the middleware answers first and processes afterwards (waitUntil on Workers).
  const processed = []
  const on = {
    'order.*': async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 20))
      processed.push(event.id)
    },
  }
  app.post('/processed-webhooks', webhook({ secret, on }))
  app.get('/processed', (c) => c.json(processed))
  return app
}

/**
 * The same routes under /web with no framework: @hookguard/web's verifyRequest and webhookHandler
 * on the runtime's own Request, called with the runtime's second fetch argument (a Worker's ctx).
 */
export function createWebHandler(secret, runtime) {
  const options = { secret, maxBodyBytes: 4096 }
  const processed = []
  const processing = webhookHandler({
    secret,
    on: {
      'order.*': async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        processed.push(event.id)
      },
    },
  })
  return async (request, context) => {
    const { pathname } = new URL(request.url)
    if (pathname === '/web/processed-webhooks') return processing(request, context)
    if (pathname === '/web/processed') return Response.json(processed)
    const result = await verifyRequest(request, options)
    if (result.response) return result.response
    const text = new TextDecoder().decode(result.body)
    return Response.json({
      runtime,
      event: result.event,
      text,
      bytes: result.body.byteLength,
      json: JSON.parse(text),
    })
  }
}

/** Sends /web/* to the framework-free handler, everything else to the Hono app. */
export function createFetch(secret, runtime) {
  const app = createApp(secret, runtime)
  const web = createWebHandler(secret, runtime)
  // Workers call fetch(request, env, ctx); Bun and Deno pass (request, server or info).
  return (request, env, ctx) =>
    new URL(request.url).pathname.startsWith('/web/')
      ? web(request, ctx)
      : app.fetch(request, env, ctx)
}

export function resolved(specifier) {
  try {
    return import.meta.resolve(specifier)
  } catch {
    return undefined
  }
}
`,
  'bun.js': `import { createFetch, resolved } from './app.js'

const handle = createFetch(process.env.WEBHOOK_SECRET, 'bun ' + Bun.version)
// Bun ends a connection whose request stream was cancelled (a body cut past the drain bound) at
// its idle timeout, 10 s by default: shorter here, so the test that waits for it stays short.
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', idleTimeout: 3, fetch: handle })
console.log(JSON.stringify({ port: server.port, core: resolved('@hookguard/core') }))
`,
  'deno.js': `import { createFetch, resolved } from './app.js'

const handle = createFetch(Deno.env.get('WEBHOOK_SECRET'), 'deno ' + Deno.version.deno)
Deno.serve(
  {
    port: 0,
    hostname: '127.0.0.1',
    onListen: ({ port }) => console.log(JSON.stringify({ port, core: resolved('@hookguard/core') })),
  },
  handle,
)
`,
  'worker.js': `import { createFetch } from './app.js'

let handle
export default {
  fetch(request, env, ctx) {
    handle ??= createFetch(env.WEBHOOK_SECRET, 'workerd')
    return handle(request, env, ctx)
  },
}
`,
}
for (const [name, text] of Object.entries(files)) await writeFile(join(out, name), text)

/** The package files a bundle took its code from, relative to the fixture. */
async function bundle(entry: string, outfile: string, options: Record<string, unknown>) {
  const result = await esbuild.build({
    entryPoints: [join(out, entry)],
    outfile: join(out, outfile),
    absWorkingDir: out,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    ...options,
  })
  return Object.keys(result.metafile.inputs).filter((input) => input.includes('@hookguard/'))
}

const inputs = {
  // What wrangler does: esbuild's default (browser) platform with these conditions.
  worker: await bundle('worker.js', 'worker.bundle.js', {
    conditions: ['workerd', 'worker', 'browser'],
  }),
  // A Deno bundle made without Node compatibility: neutral platform, the `deno` condition.
  deno: await bundle('deno.js', 'deno.bundle.js', {
    platform: 'neutral',
    conditions: ['deno'],
    mainFields: ['module', 'main'],
  }),
}
await writeFile(join(out, 'inputs.json'), JSON.stringify(inputs, null, 2))
