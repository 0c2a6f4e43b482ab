export * from './channels';
export * from './schemas';
export * from './result';
export * from './bridge';
export * from './wire';
