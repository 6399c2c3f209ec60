import { CookieJar } from '@atrium/testing';
import type { InstanceRole } from '@atrium/policy';
import { UserRepository } from '../repositories/user.repository.js';
import { SessionService } from '../services/session.service.js';
import type { InstanceHarness } from './instance.js';

/** Who a test session is for; unset fields are harmless defaults. */
export interface SessionSeed {
  id: string;
  role: InstanceRole;
  groups?: string[];
  basePath?: string | null;
  uploadPath?: string | null;
  webdav?: boolean;
  /** The display name of the user row. */
  name?: string | null;
}

/** A session's cookie secret for `seed`, made as a sign-in would make it (the user row too). */
export async function sessionSecret(instance: InstanceHarness, seed: SessionSeed): Promise<string> {
  const access = {
    role: seed.role,
    groups: seed.groups ?? [],
    basePath: seed.basePath ?? null,
    uploadPath: seed.uploadPath ?? null,
    webdav: seed.webdav ?? false,
  };
  await instance.app.get(UserRepository).upsert({
    id: seed.id,
    username: seed.id,
    name: seed.name ?? null,
    email: null,
    ...access,
    lastSeenAt: new Date(),
  });
  const { secret } = await instance.app.get(SessionService).create({
    userId: seed.id,
    portalSid: null,
    access,
    idToken: 'unused',
    authTime: null,
  });
  return secret;
}

/** A jar holding a session for `seed` (see {@link sessionSecret}). */
export async function sessionJar(instance: InstanceHarness, seed: SessionSeed): Promise<CookieJar> {
  const secret = await sessionSecret(instance, seed);
  const jar = new CookieJar();
  jar.store(new URL(instance.url), [`${instance.cookieName}=${secret}; Path=/`]);
  return jar;
}
