import { PolicyError } from './errors.js';
import { isRole, type Role } from './roles.js';

/** Every `resource.action` permission an instance checks. */
export const PERMISSION_NAMES = [
  'asset.view',
  'asset.view_private',
  'asset.view_archived',
  'asset.edit',
  'asset.delete',
  'asset.upload',
  'asset.download_original',
  'album.view',
  'album.create',
  'album.edit',
  'album.delete',
  'comment.create',
  'share_link.create',
  'share_link.manage',
  'webdav.access',
  'settings.library',
  'settings.advanced',
  'settings.own_preferences',
  'users.view',
  'audit.view',
  'sessions.end',
  'library.index',
] as const;

/** One of {@link PERMISSION_NAMES}. */
export type Permission = (typeof PERMISSION_NAMES)[number];

/**
 * What a role may see of the library, the value of its `asset.view` permission. An instance turns
 * it into SQL: `all` needs no filter, `all_but_private_archived` filters both flags, `scoped`
 * needs the viewer's base path, policies and own uploads (see `visibilityFilter`), `link` only
 * what the viewer's share links name.
 */
export type VisibilityScope = 'all' | 'all_but_private_archived' | 'scoped' | 'link';

/**
 * Where a role holds a permission. `none`: refused. `all`: everywhere, no further fact needed.
 * The others need a fact about the resource at hand (see {@link PermissionContext}):
 * `visible` — whatever the actor can see; `own_uploads` — only assets the actor uploaded;
 * `upload_path` — only inside the actor's upload path; `link_download` — only what a share link
 * shows, and only if that link allows downloading originals; plus the {@link VisibilityScope}s.
 */
export type Scope = 'none' | VisibilityScope | 'visible' | 'own_uploads' | 'upload_path' | 'link_download';

/** A role's row of the matrix: the scope of every permission. */
export type RolePermissions = Readonly<{ 'asset.view': VisibilityScope } & Record<Permission, Scope>>;

type Grants = { 'asset.view': VisibilityScope } & Partial<Record<Permission, Scope>>;

// A row lists what the role holds; every permission it does not list is refused.
function row(grants: Grants): RolePermissions {
  const refused = Object.fromEntries(PERMISSION_NAMES.map((name) => [name, 'none'])) as Record<
    Permission,
    Scope
  >;
  return Object.freeze({ ...refused, ...grants });
}

const FULL_LIBRARY: Grants = {
  'asset.view': 'all',
  'asset.view_private': 'all',
  'asset.view_archived': 'all',
  'asset.edit': 'all',
  'asset.delete': 'all',
  'asset.upload': 'all',
  'asset.download_original': 'all',
  'album.view': 'all',
  'album.create': 'all',
  'album.edit': 'all',
  'album.delete': 'all',
  'comment.create': 'all',
  'share_link.create': 'all',
  'share_link.manage': 'all',
  'webdav.access': 'all',
  'library.index': 'all',
  'settings.own_preferences': 'all',
};

/**
 * The role matrix of docs/architecture.md rule 5 as data, one row per role. `webdav.access` additionally
 * needs the account's WebDAV flag and the instance's feature switch ("if enabled", see {@link can}).
 *
 * The matrix writes "settings: no" for manager; that denies library and advanced settings only.
 * A manager is "like user" and keeps its own preferences, so no lower role outranks it.
 */
export const PERMISSIONS: Readonly<Record<Role, RolePermissions>> = Object.freeze({
  admin: row({
    ...FULL_LIBRARY,
    'users.view': 'all',
    'audit.view': 'all',
    'sessions.end': 'all',
    'settings.library': 'all',
    'settings.advanced': 'all',
  }),
  manager: row({ ...FULL_LIBRARY, 'users.view': 'all', 'audit.view': 'all', 'sessions.end': 'all' }),
  user: row(FULL_LIBRARY),
  contributor: row({
    'asset.view': 'scoped',
    'album.view': 'scoped',
    'asset.edit': 'own_uploads',
    'asset.delete': 'own_uploads',
    'asset.upload': 'upload_path',
    'asset.download_original': 'visible',
    'comment.create': 'visible',
    'webdav.access': 'upload_path',
    'settings.own_preferences': 'all',
  }),
  viewer: row({
    'asset.view': 'all_but_private_archived',
    'album.view': 'all',
    'asset.download_original': 'visible',
    'settings.own_preferences': 'all',
  }),
  guest: row({
    'asset.view': 'scoped',
    'album.view': 'scoped',
    'asset.download_original': 'visible',
    'settings.own_preferences': 'all',
  }),
  visitor: row({ 'asset.view': 'link', 'album.view': 'link', 'asset.download_original': 'link_download' }),
});

/** True for the names in {@link PERMISSION_NAMES}. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSION_NAMES as readonly string[]).includes(value);
}

/**
 * The scope in which `role` holds `permission`.
 * @throws PolicyError `ERR_ROLE_UNKNOWN` or `ERR_PERMISSION_UNKNOWN` for values outside the lists.
 */
export function scopeOf(role: Role, permission: Permission): Scope {
  if (!isRole(role)) throw new PolicyError('ERR_ROLE_UNKNOWN', 'unknown role');
  if (!isPermission(permission)) throw new PolicyError('ERR_PERMISSION_UNKNOWN', 'unknown permission');
  return PERMISSIONS[role][permission];
}

/** True when `role` holds `permission` in some scope (to show a button, not to decide a request). */
export function hasPermission(role: Role, permission: Permission): boolean {
  return scopeOf(role, permission) !== 'none';
}

/** What `role` may see of the library. @throws PolicyError `ERR_ROLE_UNKNOWN`. */
export function visibilityScope(role: Role): VisibilityScope {
  scopeOf(role, 'asset.view');
  return PERMISSIONS[role]['asset.view'];
}

/** The two switches WebDAV needs besides the role: the account's flag and the instance's feature. */
export interface WebdavSwitches {
  /** The account's WebDAV flag (`atrium users add --webdav`). */
  userEnabled: boolean;
  /** False when `webdav` is listed in `ATRIUM_DISABLE_FEATURES`. */
  featureEnabled: boolean;
}

/** Facts about the resource at hand that scoped permissions depend on. Missing facts count as false. */
export interface PermissionContext {
  /** The actor can see the resource (`canSeeAsset` / `canSeeAlbum`). */
  visible?: boolean;
  /** The asset was uploaded by the actor. */
  ownUpload?: boolean;
  /** The target folder lies inside the actor's upload path. */
  inUploadPath?: boolean;
  /** A share link that shows the resource allows downloading originals. */
  linkAllowsDownload?: boolean;
  /** Needed by `webdav.access`. */
  webdav?: WebdavSwitches;
}

function scopeSatisfied(scope: Scope, ctx: PermissionContext): boolean {
  switch (scope) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'own_uploads':
      return ctx.ownUpload === true;
    case 'upload_path':
      return ctx.inUploadPath === true;
    case 'link_download':
      return ctx.visible === true && ctx.linkAllowsDownload === true;
    default:
      return ctx.visible === true;
  }
}

function webdavEnabled(switches: WebdavSwitches | undefined): boolean {
  return switches?.userEnabled === true && switches.featureEnabled === true;
}

/**
 * Decides one request: does `role` hold `permission` for the resource `ctx` describes? Closed by
 * default: a scoped permission is refused unless `ctx` supplies the fact its scope needs, and
 * `webdav.access` is refused unless both WebDAV switches are on.
 * @throws PolicyError `ERR_ROLE_UNKNOWN` or `ERR_PERMISSION_UNKNOWN`.
 */
export function can(role: Role, permission: Permission, ctx: PermissionContext = {}): boolean {
  const scope = scopeOf(role, permission);
  if (permission === 'webdav.access' && !webdavEnabled(ctx.webdav)) return false;
  return scopeSatisfied(scope, ctx);
}

/**
 * May `role` use WebDAV at all (the `atrium_webdav` claim)? Admin, manager and user anywhere,
 * contributor in its upload path — each only when the account's flag and the feature are on.
 * @throws PolicyError `ERR_ROLE_UNKNOWN`.
 */
export function webdavAllowed(role: Role, switches: WebdavSwitches): boolean {
  return hasPermission(role, 'webdav.access') && webdavEnabled(switches);
}
