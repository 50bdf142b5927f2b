/**
 * Runs of async work by key, one at a time per key when callers use it as meant: a
 * caller that finds a run in progress for its key either joins it ({@link get}) or waits
 * for it to end before starting its own ({@link runAfter}).
 */
export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Promise<V>>();

  /** The run in progress for `key`, if any, to join. */
  get(key: K): Promise<V> | undefined {
    return this.flights.get(key);
  }

  /** Starts `work` as the run for `key`, which has none in progress; it is forgotten once it settles. */
  run(key: K, work: () => Promise<V>): Promise<V> {
    const flight: Promise<V> = work().finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }

  /**
   * Starts `work` as the run for `key` once no other run for it is in progress, whatever
   * their outcome: for work that must not share another caller's result.
   */
  async runAfter(key: K, work: () => Promise<V>): Promise<V> {
    for (let flight; (flight = this.flights.get(key));) await flight.catch(() => undefined);
    // No await between the check above and this call: no other run can start in between.
    return this.run(key, work);
  }
}
