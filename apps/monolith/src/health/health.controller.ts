import type { ServerResponse } from 'node:http';
import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LOCAL_MODULES } from '../modules.js';

/** How long one module's database may take to answer `SELECT 1` before it counts as down. */
const PING_TIMEOUT_MS = 1_000;

/**
 * `GET /health`: whether every module running here can reach its own database. 200 when all
 * can, 503 otherwise, with terminus' usual body (`status`, `info`, `error`, `details` per module)
 * either way — what load balancers and Kubernetes probes expect, not a problem document.
 */
@Controller('health')
@ApiTags('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Whether each module can reach its database' })
  @ApiOkResponse({ description: 'Every module is up' })
  @ApiServiceUnavailableResponse({ description: 'A module cannot reach its database' })
  async check(@Res({ passthrough: true }) response: ServerResponse): Promise<HealthCheckResult> {
    const checks = LOCAL_MODULES.map(({ name }) => () => {
      const connection = this.moduleRef.get<DataSource>(getDataSourceToken(name), { strict: false });
      return this.database.pingCheck(name, { connection, timeout: PING_TIMEOUT_MS });
    });
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.statusCode = 503;
      return error.getResponse() as HealthCheckResult;
    }
  }
}
