import { SettingEntity } from '@atrium/server';
import { SessionEntity } from './session.entity.js';
import { UserEntity } from './user.entity.js';

export { SessionEntity, UserEntity };

/** Every instance entity. */
export const instanceEntities = [SettingEntity, UserEntity, SessionEntity];
