/**
 * At most one run of work per key at a time: callers that find a run in progress for
 * their key can wait for it instead of starting their own.
 */
export class SingleFlight<K, V> {
  private readonly flights = new Map<K, Promise<V>>();

  /** The run in progress for `key`, if any. */
  get(key: K): Promise<V> | undefined {
    return this.flights.get(key);
  }

  /** Starts `work` as the run for `key`; it is forgotten once it settles. */
  run(key: K, work: () => Promise<V>): Promise<V> {
    const flight: Promise<V> = work().finally(() => {
      // A later run for the same key may have taken the slot meanwhile.
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }
}
