import { isIP } from 'node:net';
import type { SeamTransportOptions } from '@seam/transport';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/**
 * Rewrites the TCP addresses of the modules this process hosts to bind `listenHost`
 * (`SEAM_LISTEN_HOST`, e.g. `0.0.0.0` in a container) while the topology keeps the name other
 * processes dial (`tcp://payments:4104`): a process cannot bind its own DNS name's address when
 * that name points at a load balancer. Without `listenHost`, the address is bound as written —
 * `127.0.0.1` in the shipped topologies, so that nothing outside the machine reaches a module
 * server unless a container or manifest says `SEAM_LISTEN_HOST=0.0.0.0`.
 *
 * @throws Error naming `SEAM_LISTEN_HOST` when it is neither an IP address nor a host name.
 */
export function bindHostedOn<T extends Pick<SeamTransportOptions, 'hosted' | 'endpoints'>>(
  options: T,
  listenHost: string | undefined,
): T {
  const host = listenHost?.trim();
  if (!host) return options;
  if (!isIP(host) && !HOSTNAME.test(host))
    throw new Error('SEAM_LISTEN_HOST must be an IP address (0.0.0.0, ::, 10.0.0.5) or a host name');
  const endpoints = { ...options.endpoints };
  for (const module of options.hosted) {
    const endpoint = endpoints[module];
    if (endpoint?.transport === 'tcp') endpoints[module] = { ...endpoint, host };
  }
  return { ...options, endpoints };
}
