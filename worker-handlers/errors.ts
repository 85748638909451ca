/**
 * Why a worker stopped a job itself. The stored error text is the message, as Kue stored
 * "Shutdown" and "TTL exceeded"; the lease-loss case uses core's LeaseLost.
 */
export class Shutdown extends Error {
  readonly code = 'SHUTDOWN';
  constructor() {
    super('Shutdown');
    this.name = 'Shutdown';
  }
}

export class TtlExceeded extends Error {
  readonly code = 'TTL_EXCEEDED';
  constructor() {
    super('TTL exceeded');
    this.name = 'TtlExceeded';
  }
}
