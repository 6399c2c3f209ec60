import { SettingEntity } from '@atrium/server';

/** Every portal entity. */
export const portalEntities = [SettingEntity];
