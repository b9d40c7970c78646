// The engine's ports to the modules and the transport. They are defined in
// electron/devices/step-port.ts, where the drivers that implement them may import them (drivers
// never import the core); the core keeps naming them from here.
export type { Bin, CardTransport, ReadBack, StepContext, StepKind, StepModule, StepOutcome, StepRunOutcome } from '../../devices/step-port';
