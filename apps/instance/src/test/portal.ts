// The real portal (apps/portal) as the issuer of instance tests: its own test harness, re-exported
// here so that one file is all the instance tests know of the portal's internals.
export { PortalHarness, signedIn, type NodeCreds } from '@atrium/portal/testing';
