import { Injectable } from '@nestjs/common';
import {
  DEFAULT_PARAMS,
  checkDerivativeSettings,
  resolveParams,
  type DerivativeParams,
  type ResolvedParams,
} from '@atrium/media';
import { InstanceError } from '../common/errors.js';
import { DerivativeSettingsRepository } from '../repositories/derivative-settings.repository.js';

/**
 * How long a process trusts its copy of the settings. A save here clears it at once; with several
 * instance replicas, the others pick a save up within this time (jobs queued meanwhile carry the
 * previous settings, which a rebuild then replaces).
 */
export const SETTINGS_TTL_MS = 10_000;

/** What the settings screen shows: the values in force and libs/media's defaults beside them. */
export interface DerivativeSettings {
  current: ResolvedParams;
  defaults: ResolvedParams;
}

/**
 * The library's sizes and qualities of derivatives: checked with libs/media's rules when saved,
 * read cheaply (kept in memory) by everything that queues media jobs.
 */
@Injectable()
export class DerivativeSettingsService {
  private cached?: { params: DerivativeParams; until: number };
  private loading?: Promise<DerivativeParams>;
  /** Counts saves, so that a read started before one does not put the old values back. */
  private generation = 0;

  constructor(private readonly repository: DerivativeSettingsRepository) {}

  /** The params media jobs carry now: only what differs from the defaults. */
  async params(): Promise<DerivativeParams> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.params;
    // One read for all the callers that ask while it is under way.
    const generation = this.generation;
    this.loading ??= this.repository
      .load()
      .then((params) => {
        if (generation === this.generation) this.cached = { params, until: Date.now() + SETTINGS_TTL_MS };
        return params;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  async settings(): Promise<DerivativeSettings> {
    return { current: resolveParams(await this.fresh()), defaults: DEFAULT_PARAMS };
  }

  /**
   * Applies a change: fields given replace the stored ones, `null` goes back to the defaults.
   * `ERR_SETTINGS_INVALID` (400) names each bad field, and nothing is saved then.
   */
  async save(change: unknown): Promise<void> {
    if (change === null) return this.store({});
    const checked = checkDerivativeSettings(change, 'derivatives');
    if (!checked.ok)
      throw new InstanceError(
        'ERR_SETTINGS_INVALID',
        `the derivative settings were not saved: ${Object.entries(checked.problems)
          .map(([field, problem]) => `${field} ${problem}`)
          .join('; ')}`,
        400,
        { fields: checked.problems },
      );
    await this.store({ ...(await this.fresh()), ...checked.params });
  }

  /** The stored settings, read now (a save elsewhere may be newer than the cache). */
  async fresh(): Promise<DerivativeParams> {
    const params = await this.repository.load();
    this.cached = { params, until: Date.now() + SETTINGS_TTL_MS };
    return params;
  }

  private async store(params: DerivativeParams): Promise<void> {
    await this.repository.save(params);
    this.generation++;
    this.cached = undefined;
    this.loading = undefined;
  }
}
