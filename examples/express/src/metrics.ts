import type { OnOutcome } from '@hookguard/core'
import type { Express } from 'express'
import { Counter, Histogram, Registry } from 'prom-client'

/** Prometheus metrics for webhooks, fed by hookguard's `onOutcome` hook. */
export interface WebhookMetrics {
  /** Give it to the receiver (`webhook({ onOutcome })`) and to a worker (`createWorker({ onOutcome })`). */
  onOutcome: OnOutcome
  /** Its own registry, so several apps in one process (tests) do not collide. */
  registry: Registry
}

/**
 * Counters and latency histograms for every delivery (scheme, code, status) and every handler
 * run (type, result): a few lines on top of `onOutcome`.
 */
export function webhookMetrics(): WebhookMetrics {
  const registry = new Registry()
  const deliveries = new Counter({
    name: 'hookguard_deliveries_total',
    help: 'Webhook deliveries answered, by scheme, stable code and HTTP status',
    labelNames: ['scheme', 'code', 'status'],
    registers: [registry],
  })
  const deliverySeconds = new Histogram({
    name: 'hookguard_delivery_duration_seconds',
    help: 'From the verified body to the decided answer',
    labelNames: ['scheme', 'code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  const runs = new Counter({
    name: 'hookguard_handler_runs_total',
    help: 'Handler runs, by event type and result (ok, error, dead_letter)',
    labelNames: ['type', 'result'],
    registers: [registry],
  })
  const runSeconds = new Histogram({
    name: 'hookguard_handler_duration_seconds',
    help: 'How long one handler run took',
    labelNames: ['type', 'result'],
    registers: [registry],
  })
  return {
    registry,
    onOutcome(outcome) {
      if (outcome.kind === 'delivery') {
        const { scheme, code, status } = outcome
        deliveries.inc({ scheme, code, status })
        deliverySeconds.observe({ scheme, code }, outcome.durationMs / 1000)
      } else {
        const { type, result } = outcome
        runs.inc({ type, result })
        runSeconds.observe({ type, result }, outcome.durationMs / 1000)
      }
    },
  }
}

/** `GET /metrics` in Prometheus's text format. */
export function mountMetrics(app: Express, metrics: WebhookMetrics): void {
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}
