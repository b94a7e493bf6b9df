export * from './envelope';
export * from './logger';
export * from './task-handler';
export * from './publisher';
export * from './contract';
export * from './json-schema';
