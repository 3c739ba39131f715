import type { SeamTransportOptions } from '@seam/transport';

/**
 * Rewrites the TCP addresses of the modules this process hosts to bind `listenHost`
 * (`SEAM_LISTEN_HOST`, e.g. `0.0.0.0` in a container) while the topology keeps the name other
 * processes dial (`tcp://payments:4104`): a process cannot bind its own DNS name's address when
 * that name points at a load balancer. Without `listenHost`, the address is bound as written.
 */
export function bindHostedOn<T extends Pick<SeamTransportOptions, 'hosted' | 'endpoints'>>(
  options: T,
  listenHost: string | undefined,
): T {
  const host = listenHost?.trim();
  if (!host) return options;
  const endpoints = { ...options.endpoints };
  for (const module of options.hosted) {
    const endpoint = endpoints[module];
    if (endpoint?.transport === 'tcp') endpoints[module] = { ...endpoint, host };
  }
  return { ...options, endpoints };
}
