/** Injection tokens of the worker app. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export const INSTANCE_REDIS = Symbol('INSTANCE_REDIS');
