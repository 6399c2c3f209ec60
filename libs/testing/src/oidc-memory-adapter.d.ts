// oidc-provider ships its in-memory adapter without types; only its factory is used here. The
// factory form (unlike the default adapter) does not print the "development-only" warning.
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { AdapterFactory } from 'oidc-provider';

  export function createMemoryAdapter(clockTolerance?: number): AdapterFactory;
}
