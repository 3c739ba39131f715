import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DashboardData, type DashboardSnapshot } from './dashboard-data.js';
import { DASHBOARD_HTML, DASHBOARD_SCRIPT } from './dashboard.page.js';

/**
 * `/_seam`: the live dashboard — the module map drawn from the contracts, where each module runs,
 * each link's figures, outbox backlog and dead letters, the last traces. Not part of the API (no
 * OpenAPI operation, outside `/api` and its throttling); on the internal port in production.
 */
@ApiExcludeController()
@Controller('_seam')
export class DashboardController {
  constructor(private readonly data: DashboardData) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  script(): string {
    return DASHBOARD_SCRIPT;
  }

  /** What the page draws, read now (polled by the page). */
  @Get('data')
  @Header('Cache-Control', 'no-store')
  snapshot(): Promise<DashboardSnapshot> {
    return this.data.snapshot();
  }
}
