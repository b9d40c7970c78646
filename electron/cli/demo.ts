// `perso-station demo --dir D` writes the demo station of electron/wiring/demo.ts (the app writes
// the same one on its first run).
export * from '../wiring/demo';
