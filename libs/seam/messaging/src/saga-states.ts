/** Where a module's sagas of one kind stand: how many are in each state, read now. */
export interface SagaStateSource {
  /** The module running the sagas. */
  readonly module: string;
  /** The kind of saga (e.g. `place-order`). */
  readonly saga: string;
  /** Open sagas per state; a closed, small set of states (they become metric labels). */
  count(): Promise<Readonly<Record<string, number>>>;
}

const sources = new Set<SagaStateSource>();

/**
 * Reports a kind of saga to this process's `/metrics` (`seam_sagas{module,saga,state}`) until the
 * returned function is called — by whatever drives the sagas, for as long as it runs.
 */
export function reportSagaStates(source: SagaStateSource): () => void {
  sources.add(source);
  return () => sources.delete(source);
}

/** The saga sources reported in this process (read by `/metrics`). */
export function sagaStateSources(): SagaStateSource[] {
  return [...sources];
}
