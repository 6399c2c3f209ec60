// `@atrium/portal/testing`: the real portal for other projects' tests (the instance, the CLI).
// Only test files import this entry point; it is all they know of the portal's internals.
export {
  PASSWORD,
  PortalHarness,
  TestClock,
  authorize,
  redeem,
  signedIn,
  tokenRequest,
  type AuthorizeResult,
  type NodeCreds,
} from './test/harness.js';
export { LogoutReceiver } from './test/logout-receiver.js';
export { SetupService } from './services/setup.service.js';
