import { SettingEntity } from '@atrium/server';

/** Every instance entity. */
export const instanceEntities = [SettingEntity];
