import type { IdpDeps } from './types.js';

/** Takes over the clock and faults another replica saved (a no-op for the memory store). */
export async function loadSharedState(deps: IdpDeps): Promise<void> {
  const shared = await deps.store.loadShared();
  if (!shared) return;
  deps.clock.restore(shared.clock);
  deps.faults.restore(shared.faults);
}

/** Saves this replica's clock and faults for the others, after the control API changed them. */
export function saveSharedState(deps: IdpDeps): Promise<void> {
  return deps.store.saveShared({ clock: deps.clock.snapshot(), faults: deps.faults.snapshot() });
}
