export { ADDRESS_SCHEMES, formatAddress, parseAddress, redact, urlHost } from './topology/address.js';
export { DEFAULT_TOPOLOGY, DEFAULT_TOPOLOGY_FILE, loadTopology } from './topology/load-topology.js';
export { overrideName, parseTopology } from './topology/parse-topology.js';
export { describeTopology, hostedBy, transportOptionsFor } from './topology/process-options.js';
export { MONOLITH_CALLERS, meshIdentities, meshSelf } from './topology/mesh-identities.js';
export { type ProcessRole, type ServicePlacement, type Topology, TopologyError } from './topology/topology.js';
export { DEFAULT_PORT, portFromEnv } from './config/port.js';
// NODE_ENV's one reading lives in @seam/persistence (the lowest library that reads it: importing
// @seam/runtime from there would be a cycle); this is its door for everything above.
export {
  isProduction,
  NODE_ENVIRONMENTS,
  type NodeEnvironment,
  NodeEnvironmentError,
  nodeEnvironment,
} from '@seam/persistence';
export { type ReadText, TransportSecurityConfigError, transportSecurityFromEnv } from './config/tls-from-env.js';
export { INSECURE_TRANSPORT_FLAG, meshAuthFromEnv } from './config/mesh-auth-from-env.js';
export { METRICS_FLAG, MetricsConfigError, metricsFromEnv } from './config/metrics-from-env.js';
export {
  applyPretenuringSetting,
  PRETENURING_FLAG,
  PretenuringConfigError,
  pretenuringFromEnv,
} from './config/pretenuring-from-env.js';
export { SeamHealthModule } from './health/health.module.js';
export { HEALTH_DATABASES, HealthController } from './health/health.controller.js';
export { MetricsController } from './health/metrics.controller.js';
export { probeEndpoint } from './health/transport-probe.js';
export { LATENCY_BUCKETS, metricsRegistry } from './metrics/registry.js';
export { PrometheusSeamMeters, seamMeters } from './metrics/seam-meters.js';
export { watchRouter } from './metrics/seam-gauges.js';
export { httpMetrics, routeLabel, UNMATCHED_ROUTE } from './metrics/http-metrics.js';
export { HttpServerLimitsError } from './config/http-server-limits.js';
export { prepareHttpServer } from './service/prepare-http-server.js';
export { exitWithin, SHUTDOWN_DEADLINE_MS, SHUTDOWN_SIGNALS } from './service/exit-within.js';
export { beginShutdown } from './service/begin-shutdown.js';
export { SHUTDOWN_STAGES, ShutdownBudget, type ShutdownStage } from './service/shutdown-budget.js';
export { SEAM_NODE_FLAGS } from './service/node-flags.js';
export { bindHostedOn, bindHostFrom, DEFAULT_SERVICE_HTTP_HOST, serviceHttpHost } from './service/listen-host.js';
export { runService, type RunServiceOptions, serviceReadyLine } from './service/run-service.js';
export {
  explainListenError,
  ListenError,
  type ListenSettings,
  reportStartFailure,
  withStartFailuresReportedOnce,
} from './service/start-failure.js';
export { ServiceAppModule, type ServiceAppOptions } from './service/service-app.module.js';
export {
  LOG_FORMATS,
  LOG_LEVELS,
  type LogConfig,
  LogConfigError,
  logConfigFromEnv,
  type LogFormat,
  type LogLevel,
} from './logging/log-config.js';
export { currentModule, runAsModule } from './logging/module-scope.js';
export { FRAMEWORK_CONTEXTS, nestLoggerFor, SeamNestLogger } from './logging/nest-logger.js';
export {
  callFields,
  createSeamLogger,
  REDACT_PATHS,
  REDACTED,
  SECRET_FIELD_PATTERN,
  SECRET_FIELDS,
} from './logging/seam-logger.js';
export { startLogging } from './logging/start-logging.js';
// Tracing is set up by its own entry (tracing/register.ts, `node --import`), never through this
// index: an app that is not traced must not load the OpenTelemetry SDK.
export type { SpanLine } from './tracing/file-span-exporter.js';
