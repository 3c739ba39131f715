import { Controller, Get, Header, type OnModuleDestroy } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { installSeamMeters, TransportRouter } from '@seam/transport';
import { metricsRegistry } from '../metrics/registry.js';
import { watchRouter } from '../metrics/seam-gauges.js';
import { seamMeters } from '../metrics/seam-meters.js';

/**
 * `GET /metrics`, in the Prometheus text format, from prom-client's registry: Node.js and process
 * defaults; RED of every seam call and event this process sent (`seam_calls_total`,
 * `seam_call_duration_seconds`, `seam_events_total`, `seam_event_duration_seconds`); HTTP
 * requests per route template (`http_requests_total`, `http_request_duration_seconds`, where
 * `httpMetrics` is installed); requests its handlers took per pattern (with replicas, which copy
 * did the work); calls in flight and circuit breakers of its router; refused envelopes; outbox
 * backlog, dead letters and relay totals of the modules whose relay runs here; open sagas by state.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController implements OnModuleDestroy {
  private readonly unwatch: () => void;

  constructor(router: TransportRouter) {
    // Already installed when @seam/runtime was loaded; said again here, where it matters.
    installSeamMeters(seamMeters);
    this.unwatch = watchRouter(router);
  }

  @Get()
  @Header('content-type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }

  onModuleDestroy(): void {
    this.unwatch();
  }
}
