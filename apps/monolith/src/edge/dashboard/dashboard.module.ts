import { Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DashboardData } from './dashboard-data.js';
import { DashboardController } from './dashboard.controller.js';
import { recentSpans } from './recent-spans.js';

/**
 * The live dashboard at `/_seam` (see {@link DashboardController}). While it runs, this process
 * keeps its last seam spans in memory ({@link recentSpans}) for the page's traces; without it,
 * nothing is recorded. Mounted on the public app in development and on the internal listener
 * when there is one (production), like `/metrics`.
 */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardData, useFactory: () => new DashboardData() }],
})
export class DashboardModule implements OnModuleInit, OnModuleDestroy {
  onModuleInit(): void {
    recentSpans.install();
  }

  onModuleDestroy(): void {
    recentSpans.uninstall();
  }
}
