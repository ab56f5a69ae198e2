import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type RedisServer, startRedisServer } from '@hookguard/test-kit/redis'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A local Redis Cluster of masters only, made by `redis-cli --cluster create`. */
export interface RedisCluster {
  nodes: Array<{ host: string; port: number }>
  /** Stops every node this process started and deletes their data. */
  stop(): Promise<void>
}

/**
 * Starts one `redis-server --cluster-enabled yes` per port (the caller's own port range) and
 * joins them with `redis-cli --cluster create … --cluster-yes`; resolves once every node
 * reports `cluster_state:ok`.
 *
 * @example
 * const cluster = await startRedisCluster([7151, 7152, 7153])
 * const client = new Cluster(cluster.nodes)
 */
export async function startRedisCluster(ports: number[]): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'hookguard-cluster-'))
  const servers: RedisServer[] = []
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (const port of ports) {
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`]
      servers.push(await startRedisServer({ port, args: [...args, '--dir', dir] }))
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`)
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (const port of ports) {
      const deadline = Date.now() + 15_000
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info'])
        if (stdout.includes('cluster_state:ok')) break
        if (Date.now() > deadline) throw new Error(`cluster node ${port} never reported state ok`)
        await sleep(50)
      }
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop }
}
