import { z } from 'zod';
import type { ReasonCode } from './reasons';

// A device's or the engine's state as a code with parameters, so every screen words it from the
// renderer's string catalogue (one voice, one number format) instead of showing a driver's or the
// engine's own text. The English here is that catalogue's source (the renderer spreads it under
// `devnote.CODE` / `enginenote.CODE`, and `.action` for what to do), like reasons.ts is for
// failures. The status's `message` beside the note stays the technical line for the log and the
// CLI (a port, a command, a status byte). Parameters never carry card data: a card is named by
// the machine's handle or its record ID, a number only by its masked PAN.
//
// The code `reason` borrows a failure reason's words: params.reason is a ReasonCode.

export const NoteParamsSchema = z.record(z.string().max(40), z.union([z.string().max(120), z.number()]));
export const StatusNoteSchema = z.object({ code: z.string().max(64), params: NoteParamsSchema.optional() });
export type NoteParams = z.infer<typeof NoteParamsSchema>;
export type StatusNote = z.infer<typeof StatusNoteSchema>;

type Words = { text: string; action?: string };

export const DEVICE_NOTES = {
  notStarted: { text: 'Not started' },
  connecting: { text: 'Connecting' },
  closed: { text: 'Closed' },
  ready: { text: 'Ready' },
  disconnected: { text: 'Disconnected', action: 'Check the cable and the power; the station reconnects by itself' },
  cannotOpen: { text: 'The port {path} cannot be opened', action: 'Check the cable and the power; the station reconnects by itself' },
  silent: { text: 'The port is open but the device does not answer', action: 'Check that the device is powered and set to the right speed' },
  'encoder.write': { text: 'Writing the stripe' },
  'encoder.read': { text: 'Reading the stripe back' },
  'encoder.erase': { text: 'Erasing the stripe' },
  'encoder.busy': { text: 'Working on the card' },
  'machine.ready': { text: 'Ready, {count} cards in the hopper' },
  'machine.feed': { text: 'Taking a blank card from the hopper' },
  'machine.move.CHIP': { text: 'Moving card {card} to chip head {unit}' },
  'machine.move.ENCODER': { text: 'Moving card {card} to the stripe encoder' },
  'machine.move.EMBOSS': { text: 'Moving card {card} to the embosser' },
  'machine.move.LASER': { text: 'Moving card {card} to the laser' },
  'machine.move.VISION': { text: 'Moving card {card} to the camera' },
  'machine.eject.GOOD': { text: 'Sending card {card} to the good-card bin' },
  'machine.eject.REJECT': { text: 'Sending card {card} to the reject bin' },
  'machine.emboss': { text: 'Embossing' },
  'machine.indent': { text: 'Indent printing' },
  'machine.topping': { text: 'Applying the topping foil' },
  'machine.recover': { text: 'Recovering after a fault' },
  'machine.reset': { text: 'Resetting' },
  'machine.busy': { text: 'Working' },
  'machine.RIBBON_OUT': { text: 'The indent ribbon is used up', action: 'Replace the indent ribbon' },
  'machine.FOIL_OUT': { text: 'The topping foil is used up', action: 'Replace the topping foil' },
  'machine.recoverWait': { text: 'The jam is cleared; the machine waits for Recover', action: 'Press Recover to resume the machine' },
  'laser.recovering': { text: 'Recovering: resetting and unlocking the laser' },
  'laser.alarm': { text: 'The laser raised alarm {alarm}', action: 'Check the laser, then unlock it (or home it) with the buttons below, then resume the line' },
  'laser.locked': { text: 'The laser is locked after a reset', action: 'Check the laser, then unlock it (or home it) with the buttons below, then resume the line' },
  'laser.door': { text: 'The laser safety door is open', action: 'Close the door, then resume' },
  'laser.modeOff': { text: 'The laser controller is not in laser mode', action: 'Turn laser mode on ($32=1)' },
  'laser.coordinates': { text: 'The laser\'s work coordinates differ from the station config', action: 'Set the controller\'s G54 to the jig\'s and clear G92, or correct devices.laser.jig in the station config; then reconnect the laser' },
  'laser.stall': { text: 'The laser stopped moving in the middle of a job', action: 'Check the laser mechanics and its controller' },
  'laser.engrave': { text: 'Engraving' },
  'laser.hold': { text: 'Paused (feed hold)' },
  'reader.noService': { text: 'The smart-card service (PC/SC) is not available', action: 'Start the PC/SC service (pcscd); the station reconnects by itself' },
  'reader.missing': { text: 'No reader named like "{match}" is connected', action: 'Plug the reader in, or correct its name in the station config' },
  'reader.many': { text: '{count} readers are named like "{match}"', action: 'Use a longer part of the reader name in the station config' },
  'reader.inUse': { text: 'Card in use' },
  'reader.timeout': { text: 'The last card did not answer in time', action: 'Take the card out; if it happens again, check the reader and its cable' },
  'reader.protocol': { text: 'The last card answered out of protocol', action: 'Take the card out; if it happens again, check the card stock' },
  'reader.mute': { text: 'The card in the reader does not answer', action: 'Take the card out and check its chip side and orientation' },
  'reader.present': { text: 'Card present' },
  'reader.empty': { text: 'Ready, no card' },
  'keystore.ready': { text: 'Token {label} is logged in' },
  'keystore.pinWarn': { text: 'Token {label} is logged in; a wrong PIN was entered since the last login', action: 'Check who entered a wrong PIN' },
  'keystore.pinFinal': { text: 'Token {label} is logged in; one wrong PIN more locks the user PIN', action: 'Make sure the PIN at its source is right' },
  'keystore.software': { text: 'Production keys are in the software key store, not in an HSM', action: 'Move the keys to an HSM (docs/hsm.md)' },
  'keystore.pinFile': { text: 'The HSM PIN file cannot be used', action: 'Fix the PIN file (owner only, mode 600); the station retries by itself' },
  'keystore.waitingPin': { text: 'Waiting for the HSM user PIN', action: 'Enter the HSM user PIN on the Keys screen' },
  'keystore.NOT_PRESENT': { text: 'The HSM token is not present', action: 'Connect the HSM or insert the token; the station reconnects by itself' },
  'keystore.SESSION_LOST': { text: 'The HSM session was lost; reconnecting', action: 'Check the HSM and its network; the station reconnects by itself' },
  'keystore.WRONG_PIN': { text: 'The HSM refused the user PIN', action: 'Correct the PIN at its source (file, variable or Keys screen); the station does not retry the same PIN' },
  'keystore.PIN_LOCKED': { text: 'The HSM user PIN is locked', action: 'The HSM security officer must unlock or reset the user PIN' },
  'keystore.NO_MODULE': { text: 'The HSM\'s PKCS#11 module cannot be loaded', action: 'Check keyStore.module in the station config' },
  'keystore.MECHANISM': { text: 'The HSM refused a mechanism the station needs', action: 'See docs/hsm.md for the mechanisms the station needs' },
  'keystore.KEY': { text: 'The HSM refused a key object', action: 'Check the key in the HSM' },
  'keystore.OTHER': { text: 'The HSM reported an error; reconnecting', action: 'Check the HSM; the station reconnects by itself' },
} as const satisfies Record<string, Words>;

export const ENGINE_NOTES = {
  engineError: { text: 'The line stopped on an error in the station', action: 'Report it to the administrator; the station log has the details' },
  storeFault: { text: 'The station cannot write its store or log: the line is paused', action: 'Free disk space or call the administrator, then resume' },
  notRecorded: { text: 'The outcome of card {record} could not be recorded: the line is paused', action: 'Call the administrator; the card is sorted out at the next start' },
  paused: { text: 'The line is paused: {reason}', action: '{action}, then resume' },
  pausedRun: { text: 'The line is paused: {count} cards in a row failed: {reason}', action: 'Check the device, then resume' },
  estopInPath: { text: 'Emergency stop: {count} card(s) may still be in the machine', action: 'Clear the path before starting again' },
  pathCleared: { text: 'The path is clear: {count} card(s) went to the reject bin, counted as spoiled. The line can start again.' },
  waitFeed: { text: 'Waiting for {device} to come back: no new card is fed until it is back' },
  waitStep: { text: 'Waiting for {device} to come back: card {record} waits' },
  waitEject: { text: 'Waiting for {device} to come back: card {record} waits to leave the machine' },
} as const satisfies Record<string, Words>;

export type DeviceNoteCode = keyof typeof DEVICE_NOTES;
export type EngineNoteCode = keyof typeof ENGINE_NOTES;

export function deviceNote(code: DeviceNoteCode, params?: NoteParams): StatusNote {
  return params ? { code, params } : { code };
}
export function engineNote(code: EngineNoteCode, params?: NoteParams): StatusNote {
  return params ? { code, params } : { code };
}
/** A failure reason's words as a device's or the engine's note. */
export function reasonNote(reason: ReasonCode): StatusNote {
  return { code: 'reason', params: { reason } };
}
