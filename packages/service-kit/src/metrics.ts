import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * A metrics registry per app instance (never prom-client's global one), so several instances in
 * one process — tests, or two replicas — do not collide.
 */
export function createMetricsRegistry(prefixDefaults = true): Registry {
  const registry = new Registry();
  if (prefixDefaults) collectDefaultMetrics({ register: registry });
  return registry;
}

/** `http_request_duration_seconds{method,route,status}` for every request. */
export function httpMetrics(registry: Registry): RequestHandler {
  const histogram = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.on('finish', () => {
      // The matched route pattern, never the raw URL: ids and digests must not become labels.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsEndpoint(registry: Registry): RequestHandler {
  return (_req, res, next) => {
    registry.metrics().then((text) => {
      res.setHeader('Content-Type', registry.contentType);
      res.send(text);
    }, next);
  };
}
