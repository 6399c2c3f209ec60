import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import webdavServer from 'webdav-server';
import type { v2 as Dav } from 'webdav-server';
import { PolicyError, parseAtriumClaims, webdavAllowed, type Viewer } from '@atrium/policy';
import { toErrorResponse } from '@atrium/server';
import type { InstanceConfig } from '../config.js';
import { Clock } from '../common/clock.js';
import { InstanceError } from '../common/errors.js';
import { INSTANCE_CONFIG, REDIS } from '../common/tokens.js';
import { AccessRepository } from '../repositories/access.repository.js';
import { DavRepository } from '../repositories/dav.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { PortalClient } from '../services/portal-client.service.js';
import { UploadService } from '../services/upload.service.js';
import { LibraryFileSystem, type DavUser } from './library-file-system.js';

const { v2 } = webdavServer;

/** Where WebDAV is served. */
export const WEBDAV_PATH = '/webdav';
// A checked app password is believed this long before the portal is asked again.
const CACHE_TTL_S = 60;
// Failed sign-ins per account name and per address before WebDAV stops asking the portal.
const MAX_FAILURES = 10;
const FAILURE_WINDOW_S = 15 * 60;

type DavRequest = IncomingMessage & { davUser?: DavUser };

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** webdav-server's authentication hook: the person was checked by the middleware before. */
class CheckedAuthentication implements Dav.HTTPAuthentication {
  askForAuthentication(): { [header: string]: string } {
    return { 'WWW-Authenticate': 'Basic realm="Atrium WebDAV (app password)"' };
  }

  getUser(ctx: Dav.HTTPRequestContext, callback: (error: Error, user?: Dav.IUser) => void): void {
    const user = (ctx.request as DavRequest).davUser;
    if (user) callback(null as unknown as Error, user as unknown as Dav.IUser);
    else callback(v2.Errors.BadAuthentication);
  }
}

/**
 * WebDAV for sync apps (webdav-server 2.6; no protocol written here) at /webdav: HTTP Basic with
 * an app password, checked through the portal's node API (docs/contracts.md §3) — portal
 * passwords are never accepted there — cached briefly under a hash of the credentials and
 * throttled per account name and address in Redis. Open when the answer's `webdav` flag, the role
 * (libs/policy's `webdavAllowed`) and the instance's feature switch all allow it.
 */
@Injectable()
export class WebdavService {
  private readonly logger = new Logger('webdav');
  private readonly server: Dav.WebDAVServer;

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly portal: PortalClient,
    private readonly users: UserRepository,
    private readonly clock: Clock,
    dav: DavRepository,
    access: AccessRepository,
    uploads: UploadService,
  ) {
    this.server = new v2.WebDAVServer({
      requireAuthentification: true,
      httpAuthentication: new CheckedAuthentication(),
      rootFileSystem: new LibraryFileSystem(dav, access, uploads, config.uploads.tmpPath, config.uploads.maxBytes),
      serverName: 'Atrium',
      // Depth: infinity would walk a whole library in one request.
      maxRequestDepth: 1,
    });
  }

  get enabled(): boolean {
    return !this.config.disabledFeatures.includes('webdav');
  }

  /** The Express handler mounted at {@link WEBDAV_PATH}. */
  handler(): (req: Request, res: Response, next: NextFunction) => void {
    const dav = v2.extensions.express(WEBDAV_PATH, this.server);
    return (req, res, next) => {
      if (!this.enabled) return next();
      lingerAfterRefusal(req, res);
      this.authenticate(req).then(
        (user) => {
          (req as DavRequest).davUser = user;
          // Mounted under WEBDAV_PATH, Express cut it from req.url; webdav-server matches the whole path.
          req.url = req.originalUrl;
          dav(req, res, next);
        },
        (error: unknown) => this.refuse(res, error),
      );
    };
  }

  private refuse(res: ServerResponse, error: unknown): void {
    const { status, body } = toErrorResponse(error);
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Atrium WebDAV (app password)"');
    if (status === 429 && error instanceof InstanceError && error.details?.retryAfter)
      res.setHeader('Retry-After', String(error.details.retryAfter));
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  }

  /** Who the request is, from its app password; throws the refusal. */
  async authenticate(req: Request): Promise<DavUser> {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials)
      throw new InstanceError('ERR_WEBDAV_AUTH', 'sign in with your username and an app password', 401);
    const keys = [`atrium-${this.config.nodeName}:webdav:fail:u:${digest(credentials.username)}`, `atrium-${this.config.nodeName}:webdav:fail:a:${req.ip ?? ''}`];
    await this.refuseWhenThrottled(keys);
    const cacheKey = `atrium-${this.config.nodeName}:webdav:auth:${digest(this.config.nodeName, credentials.username, credentials.password)}`;
    const cached = await this.redis.get(cacheKey);
    if (cached) return JSON.parse(cached) as DavUser;
    const answer = await this.portal.verifyAppPassword(credentials.username, credentials.password);
    const user = answer.active === true ? this.userOf(answer) : undefined;
    if (!user) {
      await this.countFailure(keys);
      throw new InstanceError('ERR_WEBDAV_AUTH', 'the username or app password is wrong, or WebDAV is not open to you', 401);
    }
    const expiresAt = typeof answer.expiresAt === 'string' ? Date.parse(answer.expiresAt) : NaN;
    const ttl = Number.isNaN(expiresAt) ? CACHE_TTL_S : Math.min(CACHE_TTL_S, Math.floor((expiresAt - Date.now()) / 1000));
    if (ttl > 0) await this.redis.set(cacheKey, JSON.stringify(user), 'EX', ttl);
    await this.users.upsert({
      id: user.uid,
      username: user.username,
      name: null,
      email: null,
      role: user.viewer.role,
      groups: [...user.viewer.groups],
      basePath: user.viewer.basePath,
      uploadPath: user.viewer.uploadPath,
      webdav: true,
      lastSeenAt: this.clock.now(),
    });
    return user;
  }

  /** The viewer the portal's answer describes, when WebDAV is open to it. */
  private userOf(answer: Record<string, unknown>): DavUser | undefined {
    if (typeof answer.sub !== 'string' || typeof answer.username !== 'string') return undefined;
    try {
      const access = parseAtriumClaims({
        atrium_role: answer.role,
        atrium_groups: answer.groups ?? [],
        atrium_base_path: answer.basePath ?? null,
        atrium_upload_path: answer.uploadPath ?? null,
        atrium_webdav: answer.webdav === true,
      });
      if (!webdavAllowed(access.role, { userEnabled: access.webdav, featureEnabled: this.enabled })) return undefined;
      const viewer: Viewer = { role: access.role, id: answer.sub, groups: access.groups, basePath: access.basePath, uploadPath: access.uploadPath, links: [] };
      return { uid: answer.sub, username: answer.username, isAdministrator: false, isDefaultUser: false, viewer };
    } catch (error) {
      if (error instanceof PolicyError) {
        this.logger.warn(`the portal's app-password answer was refused: ${error.message}`);
        return undefined;
      }
      throw error;
    }
  }

  private async refuseWhenThrottled(keys: string[]): Promise<void> {
    const counts = await this.redis.mget(...keys);
    const blocked = keys.find((_, i) => Number(counts[i] ?? 0) >= MAX_FAILURES);
    if (!blocked) return;
    const retryAfter = Math.max(1, await this.redis.ttl(blocked));
    throw new InstanceError('ERR_WEBDAV_THROTTLED', 'too many failed sign-ins; wait and try again', 429, { retryAfter });
  }

  private async countFailure(keys: string[]): Promise<void> {
    const multi = this.redis.multi();
    for (const key of keys) multi.incr(key).expire(key, FAILURE_WINDOW_S, 'NX');
    await multi.exec();
  }
}

/** How long a refused upload's remaining bytes are read and dropped before the connection is cut. */
const LINGER_MS = 5_000;

/**
 * A PUT refused before its body was read (too large, no room, no access) is answered at once; the
 * rest of its body is then read and dropped for a moment, so that closing the connection does not
 * reset it under the client before the client has read the answer.
 */
function lingerAfterRefusal(req: Request, res: Response): void {
  res.once('finish', () => {
    if (req.complete) return;
    const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
    cut.unref();
    req.once('end', () => clearTimeout(cut));
    req.resume();
  });
}

