import { deriveMeshKeys, EnvelopeAuth, MeshKeys } from '@seam/transport';

// The benchmark's mesh: a fixed master (nothing here is secret) so that the callee and caller
// processes derive the same pair key without passing it around.
const BENCH_MASTER = Buffer.alloc(32, 0x5e);
const IDENTITIES = ['bench', 'bench-caller'];

/** The envelope authentication of `self` (`bench` serves, `bench-caller` calls). */
export function benchAuth(self: 'bench' | 'bench-caller'): EnvelopeAuth {
  return new EnvelopeAuth({
    keys: MeshKeys.from(
      deriveMeshKeys({ master: BENCH_MASTER, keyIds: ['bench'], self: [self], identities: IDENTITIES }),
    ),
  });
}
