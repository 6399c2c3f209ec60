import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { checkDerivativeSettings, nonDefaultParams, type DerivativeParams } from '@atrium/media';
import { getSetting, putSetting } from '@atrium/server';

const SETTINGS_KEY = 'library.derivatives';

/**
 * The library's sizes and qualities of derivatives, in the settings store: only the fields that
 * differ from libs/media's defaults are kept, so `{}` is "the defaults".
 */
@Injectable()
export class DerivativeSettingsRepository {
  private readonly logger = new Logger('settings');

  constructor(private readonly db: DataSource) {}

  /** What was saved; a stored value that no longer passes the check (a hand edit) counts as the defaults. */
  async load(): Promise<DerivativeParams> {
    const stored = await getSetting<unknown>(this.db, SETTINGS_KEY);
    if (stored === undefined) return {};
    const checked = checkDerivativeSettings(stored, SETTINGS_KEY);
    if (checked.ok) return nonDefaultParams(checked.params);
    this.logger.warn(`the stored ${SETTINGS_KEY} are not valid, the defaults apply: ${JSON.stringify(checked.problems)}`);
    return {};
  }

  /** Saves checked params (the caller checked them). */
  save(params: DerivativeParams): Promise<void> {
    return putSetting(this.db, SETTINGS_KEY, nonDefaultParams(params));
  }
}
