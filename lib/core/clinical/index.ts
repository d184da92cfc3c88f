/** Pure clinical rules: no I/O, no framework imports. */
export * from './vocabulary';
export * from './thresholds';
export * from './classification';
export * from './red-flags';
export * from './checklist';
export * from './codes';
export * from './handout';
export * from './units';
