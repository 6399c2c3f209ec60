// `atrium/testing`: a real `atrium start` on a free port layout, for the whole-cluster tests in e2e/.
// Only test files import this entry point.
export { TestCluster, freeLayout, isAlive, portFree } from './test/cluster.js';
