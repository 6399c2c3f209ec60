import { hasPermission, type Permission, type Viewer } from '@atrium/policy';
import type { Expected, RouteCase } from './route-cases.js';

// Route cases of the library administration pages. The seed has no failed jobs and the cases name
// unknown people, sessions and assets, so nothing they do changes what later cases expect.
const UNKNOWN = '00000000-0000-4000-8000-00000000abcd';
const gated = (v: Viewer, permission: Permission, ok: boolean): Expected =>
  hasPermission(v.role, permission) ? { status: ok ? 200 : 404 } : { status: 403 };

export const ADMIN_ROUTES: RouteCase[] = [
  {
    method: 'GET',
    route: '/api/admin/people',
    targets: 'none',
    url: () => '/api/admin/people',
    expect: (v) => gated(v, 'users.view', true),
  },
  {
    method: 'GET',
    route: '/api/admin/people/{id}/sessions',
    targets: 'none',
    url: () => `/api/admin/people/${UNKNOWN}/sessions`,
    expect: (v) => gated(v, 'users.view', false),
  },
  {
    method: 'POST',
    route: '/api/admin/sessions/{id}/end',
    targets: 'none',
    url: () => '/api/admin/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/end',
    expect: (v) => gated(v, 'sessions.end', false),
  },
  {
    method: 'GET',
    route: '/api/admin/jobs',
    targets: 'none',
    url: () => '/api/admin/jobs',
    expect: (v) => gated(v, 'settings.advanced', true),
  },
  {
    method: 'POST',
    route: '/api/admin/jobs/retry',
    targets: 'none',
    url: () => '/api/admin/jobs/retry',
    expect: (v) => gated(v, 'settings.advanced', true),
  },
  {
    method: 'POST',
    route: '/api/admin/jobs/{id}/retry',
    targets: 'none',
    url: () => `/api/admin/jobs/${UNKNOWN}/retry`,
    expect: (v) => gated(v, 'settings.advanced', false),
  },
  {
    method: 'GET',
    route: '/api/admin/settings',
    targets: 'none',
    url: () => '/api/admin/settings',
    expect: (v) => gated(v, 'settings.library', true),
  },
  {
    method: 'PATCH',
    route: '/api/admin/settings',
    targets: 'none',
    url: () => '/api/admin/settings',
    body: () => ({}),
    expect: (v) => gated(v, 'settings.library', true),
  },
  {
    method: 'GET',
    route: '/api/admin/derivatives/rebuild',
    targets: 'none',
    url: () => '/api/admin/derivatives/rebuild',
    expect: (v) => gated(v, 'settings.library', true),
  },
  {
    method: 'POST',
    route: '/api/admin/derivatives/rebuild',
    targets: 'none',
    url: () => '/api/admin/derivatives/rebuild',
    body: () => ({}),
    // 202: started; a second case while it runs would be 409, so only the admin role starts one.
    expect: (v) => (hasPermission(v.role, 'settings.library') ? { status: 202 } : { status: 403 }),
  },
  {
    method: 'GET',
    route: '/api/admin/storage',
    targets: 'none',
    url: () => '/api/admin/storage',
    expect: (v) => gated(v, 'settings.advanced', true),
  },
];
