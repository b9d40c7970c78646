// The card layout: one geometry from which the preview, the emboss jobs and the laser G-code
// are all produced. See docs/layout.md.
export * from './geometry';
export * from './emboss-fonts';
export * from './stroke-font';
export * from './bitmap';
export * from './template';
export * from './features';
export * from './bind';
export * from './layout';
export * from './svg';
export * from './emboss-jobs';
export * from './gcode';
export * from './checks';
export * from './validate';
export * from './samples';
export type { EmbossJob, LaserJob } from './jobs';
export * from './jig';
