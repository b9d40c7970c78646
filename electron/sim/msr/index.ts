export { EncoderEmulator, createEncoderEmulator, portOnMemoryLink, REALISTIC_DELAYS, type EmulatorPort, type EncoderFaults, type EncoderDelays, type EncoderEmulatorOptions, type EncoderStats } from './emulator';
export { runEncoderEmulatorOnTty, type TtyEncoderEmulator } from './tty';
export type { Fault } from './faults';
