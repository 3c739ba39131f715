import type { ServerResponse } from 'node:http';
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  type SchemaObject,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { endpointKey, type ResolvedSeamOptions, SEAM_OPTIONS } from '@seam/transport';
import type { DataSource } from 'typeorm';
import { formatAddress, redact } from '../topology/address.js';
import { probeEndpoint } from './transport-probe.js';

/** The modules whose databases `/health` pings (those that run in this process and own data). */
export const HEALTH_DATABASES = Symbol.for('seam.health.databases');

/** How long one module's database may take to answer `SELECT 1` before it counts as down. */
const PING_TIMEOUT_MS = 1_000;

/** Terminus' indicator results, by check name: each `up` or `down`, with what the indicator adds. */
const INDICATORS_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

/** The body of `/health` (terminus' `HealthCheckResult`), for 200 and 503 alike. */
const HEALTH_RESULT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    info: INDICATORS_SCHEMA,
    error: INDICATORS_SCHEMA,
    details: INDICATORS_SCHEMA,
  },
};

/**
 * `GET /health`: whether this process can do its work — every module running here reaches its
 * own database, and every transport it serves on is up (its TCP server accepts connections, its
 * Redis broker answers). Remote modules are not checked: their own health says that, and a
 * process must not be restarted because a neighbour is down. 200 when all is up, 503 otherwise,
 * with terminus' usual body (`status`, `info`, `error`, `details`) either way — what load
 * balancers and Kubernetes probes expect.
 */
@Controller('health')
@ApiTags('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
    @Inject(HEALTH_DATABASES) private readonly databases: readonly string[],
    @Inject(SEAM_OPTIONS) private readonly seam: ResolvedSeamOptions,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Whether each module here reaches its database, and each transport it serves on is up' })
  @ApiOkResponse({ description: 'Everything is up', schema: HEALTH_RESULT_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A database or a transport is down', schema: HEALTH_RESULT_SCHEMA })
  async check(@Res({ passthrough: true }) response: ServerResponse): Promise<HealthCheckResult> {
    const databases = this.databases.map((name) => () => {
      const connection = this.moduleRef.get<DataSource>(getDataSourceToken(name), { strict: false });
      return this.database.pingCheck(name, { connection, timeout: PING_TIMEOUT_MS });
    });
    try {
      return await this.health.check([...databases, ...this.transportChecks()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.statusCode = 503;
      return error.getResponse() as HealthCheckResult;
    }
  }

  /**
   * `GET /health/live`: the process answers at all. For liveness probes: a database or broker
   * outage makes `/health` fail (take the process out of rotation) but restarting the process
   * would not fix it, so liveness must not depend on them.
   */
  @Get('live')
  @ApiOperation({ summary: 'Whether the process answers (liveness; ignores databases and brokers)' })
  @ApiOkResponse({
    description: 'The process is alive',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** One check per distinct endpoint this process serves on (`transport:tcp://…`). */
  private transportChecks() {
    const served = new Map(
      this.seam.hosted.flatMap((module) => {
        const endpoint = this.seam.endpoints[module];
        return endpoint && endpoint.transport !== 'in-process' ? [[endpointKey(endpoint), endpoint] as const] : [];
      }),
    );
    return [...served.values()].map((endpoint) => async () => {
      const key = `transport ${redact(formatAddress(endpoint))}`;
      const indicator = this.indicators.check(key);
      try {
        await probeEndpoint(endpoint, { tls: this.seam.tls, redis: this.seam.redis });
        return indicator.up();
      } catch (error) {
        return indicator.down({ message: (error as Error).message });
      }
    });
  }
}
