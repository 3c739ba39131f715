import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TransportRouter } from '@seam/transport';

/**
 * `GET /metrics`, in the Prometheus text format: the few process figures every deployable has
 * (uptime, memory, calls waiting for an answer). A starting point that scrapers can already use;
 * request and call histograms belong to the observability work.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly router: TransportRouter) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): string {
    const memory = process.memoryUsage();
    return [
      gauge('process_uptime_seconds', 'Seconds since the process started.', process.uptime()),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
      gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', memory.heapUsed),
      gauge('seam_calls_pending', 'Calls this process sent that await an answer.', this.router.pendingCount()),
    ].join('');
  }
}

const gauge = (name: string, help: string, value: number) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
