import type { Endpoint, SeamTransportOptions } from '@seam/transport';
import { formatAddress, redact } from './address.js';
import type { ProcessRole, Topology } from './topology.js';

/** The modules a process of the topology hosts. */
export function hostedBy(topology: Topology, role: ProcessRole): string[] {
  return role.kind === 'monolith' ? [...topology.monolith.modules] : [role.module];
}

/**
 * The transport configuration of one process of a topology: the modules it hosts, and the
 * address of every module that has one — where to call the others, and where to serve its own.
 *
 * @throws Error when the role is a service of a module that is not a service in this topology.
 */
export function transportOptionsFor(
  topology: Topology,
  role: ProcessRole,
): Pick<SeamTransportOptions, 'hosted' | 'endpoints'> {
  if (role.kind === 'service' && !topology.services.some(({ module }) => module === role.module)) {
    const where = topology.monolith.modules.includes(role.module)
      ? 'runs in the monolith'
      : 'is not a module of this system';
    throw new Error(
      `This is the ${role.module} service, but in topology "${topology.name}" ${role.module} ${where}: choose a topology that extracts it (SEAM_TOPOLOGY)`,
    );
  }
  const endpoints: Record<string, Endpoint> = {};
  for (const service of topology.services) endpoints[service.module] = service.address;
  if (topology.monolith.address)
    for (const module of topology.monolith.modules) endpoints[module] = topology.monolith.address;
  return { hosted: hostedBy(topology, role), endpoints };
}

/** Lines saying where every module runs, for a process of the topology to log at start-up. */
export function describeTopology(topology: Topology, role: ProcessRole): string[] {
  const self = role.kind === 'monolith' ? 'the monolith' : `the ${role.module} service`;
  const lines = [
    `Topology "${topology.name}"${topology.description ? ` (${topology.description})` : ''}; this process is ${self}`,
  ];
  const hosted = new Set(hostedBy(topology, role));
  for (const module of topology.modules) {
    const service = topology.services.find((placement) => placement.module === module);
    const address = service?.address ?? topology.monolith.address;
    const at = address ? redact(formatAddress(address)) : 'in-process only';
    if (hosted.has(module)) lines.push(`module ${module}: here${address ? `, served at ${at}` : ' (in-process)'}`);
    else if (service)
      lines.push(
        `module ${module}: remote, ${service.module}-service at ${at}${service.replicas > 1 ? ` (${service.replicas} replicas)` : ''}`,
      );
    else lines.push(`module ${module}: remote, in the monolith at ${at}`);
  }
  return lines;
}
