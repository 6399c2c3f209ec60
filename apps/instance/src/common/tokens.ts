/** Injection tokens of the instance module. */
export const INSTANCE_CONFIG = Symbol('INSTANCE_CONFIG');
export const REDIS = Symbol('REDIS');
export const MEDIA_QUEUE = Symbol('MEDIA_QUEUE');
