export * from './envelope';
export * from './logger';
export * from './task-handler';
export * from './publisher';
