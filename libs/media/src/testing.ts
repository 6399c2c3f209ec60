// `@atrium/media/testing`: real photos, videos and hostile files made on the fly, for the tests of
// the projects that process media (the worker, the instance). Only test files import this entry point.
export * from './test/fixtures.js';
export { makeContext } from './test/context.js';
