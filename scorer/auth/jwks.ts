import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface JwksOptions {
  /** e.g. `http://grafana:3000/api/signing-keys/keys`. */
  url: string;
  /** A miss refetches at most this often (ms), so unknown `kid`s cannot hammer Grafana. */
  minRefetchIntervalMs?: number;
  fetchTimeoutMs?: number;
}

interface JwkWithKid extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

/**
 * Grafana's ID-token signing keys, cached by `kid`. A token with an unknown `kid` triggers one
 * refetch (concurrent misses share it), rate-limited; keys that disappear from the set are dropped.
 */
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private lastFetch = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly minRefetchIntervalMs: number;
  private readonly fetchTimeoutMs: number;
  /** Fetches done so far (for tests and metrics). */
  fetches = 0;

  constructor(private readonly options: JwksOptions) {
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 30_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
  }

  /** The key for `kid`, or null when Grafana does not publish it (after at most one refetch). */
  async get(kid: string): Promise<KeyObject | null> {
    const cached = this.keys.get(kid);
    if (cached) return cached;
    if (Date.now() - this.lastFetch >= this.minRefetchIntervalMs) await this.refresh();
    return this.keys.get(kid) ?? null;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    this.lastFetch = Date.now();
    this.fetches++;
    const response = await fetch(this.options.url, { signal: AbortSignal.timeout(this.fetchTimeoutMs) });
    if (!response.ok)
      throw new Error(`fetching Grafana's signing keys from ${this.options.url} gave ${response.status}`);
    const body = (await response.json()) as { keys?: JwkWithKid[] };
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || (jwk.use && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // a malformed key is skipped; tokens signed with it fail as "unknown kid"
      }
    }
    this.keys = keys;
  }
}
