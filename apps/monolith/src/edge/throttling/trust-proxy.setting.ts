import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { THROTTLING_CONFIG, type ThrottlingConfig } from './throttling.config.js';

/**
 * Applies `SEAM_TRUST_PROXY` to Express's `trust proxy` before the app serves: only then does
 * `request.ip` (the address throttling counts against) come from `X-Forwarded-For`, and only
 * from the hops or addresses named. Unset, Express's default stands: the socket's address, so a
 * client cannot choose its own address by sending the header.
 */
@Injectable()
export class TrustProxySetting implements OnModuleInit {
  private readonly logger = new Logger('EdgeThrottling');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(THROTTLING_CONFIG) private readonly config: ThrottlingConfig,
  ) {}

  onModuleInit(): void {
    const { trustProxy } = this.config;
    const adapter = this.adapterHost.httpAdapter;
    if (trustProxy === undefined || !adapter) return;
    const instance = adapter.getInstance<{ set?: (name: string, value: unknown) => unknown }>();
    if (typeof instance.set !== 'function') {
      this.logger.warn('SEAM_TRUST_PROXY is set but the HTTP platform is not Express: it is ignored');
      return;
    }
    instance.set('trust proxy', trustProxy);
  }
}
