import { isIP } from 'node:net';
import type { SeamTransportOptions } from '@seam/transport';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/** Where a service's HTTP listener (`/health`, `/metrics`) binds when `SEAM_HTTP_HOST` is unset: this machine only. */
export const DEFAULT_SERVICE_HTTP_HOST = '127.0.0.1';

/**
 * A bind address from the variable that names it: trimmed, `undefined` when unset or blank.
 *
 * @throws Error naming `variable` when the value is neither an IP address nor a host name (a
 *   port, a URL, a space: whatever `listen` would misread or fail on late).
 */
export function bindHostFrom(variable: string, value: string | undefined): string | undefined {
  const host = value?.trim();
  if (!host) return undefined;
  if (!isIP(host) && !HOSTNAME.test(host))
    throw new Error(`${variable} must be an IP address (0.0.0.0, ::, 10.0.0.5) or a host name`);
  return host;
}

/**
 * Where a service binds its HTTP listener: `SEAM_HTTP_HOST`, else
 * {@link DEFAULT_SERVICE_HTTP_HOST}. Loopback by default because `/metrics` tells whoever reaches
 * it what the service is doing; a pod sets `0.0.0.0` so that the kubelet's probes and the scraper
 * reach the pod's address (its NetworkPolicy says who else may).
 *
 * @throws Error naming `SEAM_HTTP_HOST` when it is neither an IP address nor a host name.
 */
export function serviceHttpHost(env: NodeJS.ProcessEnv): string {
  return bindHostFrom('SEAM_HTTP_HOST', env.SEAM_HTTP_HOST) ?? DEFAULT_SERVICE_HTTP_HOST;
}

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
  const host = bindHostFrom('SEAM_LISTEN_HOST', listenHost);
  if (!host) return options;
  const endpoints = { ...options.endpoints };
  for (const module of options.hosted) {
    const endpoint = endpoints[module];
    if (endpoint?.transport === 'tcp') endpoints[module] = { ...endpoint, host };
  }
  return { ...options, endpoints };
}
