import type { Session } from './api';

/** One entry of the library's navigation. */
export interface NavEntry {
  /** Used as the link's id (`nav-<key>`) and to mark the current page. */
  key: string;
  label: string;
  href: string;
  /** Shown only when this holds for the signed-in session (its role's permissions). */
  shown(session: Session): boolean;
}

const holds = (permission: string) => (session: Session) => session.permissions.includes(permission);

/**
 * The navigation, in order. Add a screen by adding a line: the entry shows for the roles whose
 * permissions pass `shown` (the server still decides every request).
 */
export const NAV: readonly NavEntry[] = [
  { key: 'timeline', label: 'Timeline', href: '/', shown: holds('asset.view') },
  { key: 'folders', label: 'Folders', href: '/folders', shown: holds('asset.view') },
  { key: 'albums', label: 'Albums', href: '/albums', shown: holds('album.view') },
  { key: 'favorites', label: 'Favorites', href: '/favorites', shown: holds('asset.view') },
  { key: 'shared-links', label: 'Shared links', href: '/shared-links', shown: holds('share_link.manage') },
  { key: 'upload', label: 'Upload', href: '/upload', shown: holds('asset.upload') },
  { key: 'trash', label: 'Trash', href: '/trash', shown: holds('asset.delete') },
  { key: 'admin', label: 'Admin', href: '/admin', shown: (s) => holds('users.view')(s) || holds('settings.library')(s) },
];

/** The entries `session` may use. */
export function navFor(session: Session): NavEntry[] {
  return NAV.filter((entry) => entry.shown(session));
}
