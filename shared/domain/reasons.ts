// Every way a card can fail, in one catalogue, so the engine, the log, the reports and the
// operator screen all speak the same codes. The wording for people lives in the string
// catalogue of the renderer (keyed by code); `summary` here is the English fallback used by
// the CLI and the log.
export const REASONS = {
  DATA_INVALID: { step: 'any', summary: 'The card record is not valid for this product', action: 'Correct the batch data and rework the card' },
  CHIP_ATR_MISMATCH: { step: 'chip', summary: 'Wrong card stock: the chip answered with an unexpected identity (ATR)', action: 'Check the card stock in the hopper' },
  CHIP_AUTH_FAILED: { step: 'chip', summary: 'The chip refused the secure channel: it did not prove the expected keys', action: 'Check the product keys; do not retry this card' },
  CHIP_CARD_LOCKED: { step: 'chip', summary: 'The chip is locked', action: 'Reject the card' },
  CHIP_CARD_REMOVED: { step: 'chip', summary: 'The card left the reader during personalization', action: 'Reject or rework the card' },
  CHIP_CARD_CHANGED: { step: 'chip', summary: 'A different card is in the chip head than the one being personalized', action: 'Stop: find where both cards are, reject the one that received data' },
  CHIP_STATUS: { step: 'chip', summary: 'The chip refused a command', action: 'Reject or rework the card' },
  CHIP_VERIFY_MISMATCH: { step: 'chip', summary: 'The chip read back different data than the record', action: 'Reject the card' },
  CHIP_TIMEOUT: { step: 'chip', summary: 'The chip did not answer in time', action: 'Rework the card; check the reader' },
  CHIP_READER_UNAVAILABLE: { step: 'chip', summary: 'The chip reader is not available', action: 'Check the reader connection and the smart-card service' },
  CHIP_NO_KEY: { step: 'chip', summary: 'The key needed for this product is not loaded', action: 'Ask an administrator to load the product keys' },
  CHIP_KEY_STORE: { step: 'chip', summary: 'The key store (HSM) is not available', action: 'Check the HSM token and its PIN (device panel); the station reconnects by itself' },
  MSR_WRITE_ERROR: { step: 'magstripe', summary: 'The stripe encoder could not write the stripe', action: 'Rework the card' },
  MSR_VERIFY_MISMATCH: { step: 'magstripe', summary: 'The stripe read back differs from what was written', action: 'Reject the card; check the encoder head' },
  MSR_NO_CARD: { step: 'magstripe', summary: 'No card reached the stripe encoder', action: 'Check the card path to the encoder' },
  MSR_OFFLINE: { step: 'magstripe', summary: 'The stripe encoder is offline', action: 'Check the encoder cable and power' },
  MSR_TIMEOUT: { step: 'magstripe', summary: 'The stripe encoder did not answer in time', action: 'Check the encoder' },
  MSR_DEVICE_ERROR: { step: 'magstripe', summary: 'The stripe encoder refused the command', action: 'Check the encoder settings' },
  CROSSCHECK_MISMATCH: { step: 'any', summary: 'The card number or expiry differs between chip, stripe and embossing', action: 'Reject the card' },
  MACHINE_JAM: { step: 'transport', summary: 'A card is jammed in the machine', action: 'Open the machine, clear the jam, close the cover' },
  MACHINE_HOPPER_EMPTY: { step: 'transport', summary: 'The input hopper is empty', action: 'Load blank cards' },
  MACHINE_COVER_OPEN: { step: 'transport', summary: 'A cover of the machine is open', action: 'Close the cover' },
  MACHINE_RIBBON_OUT: { step: 'emboss', summary: 'The topping foil or indent ribbon is used up', action: 'Replace the ribbon' },
  MACHINE_OFFLINE: { step: 'transport', summary: 'The personalization machine is offline', action: 'Check the machine cable and power' },
  MACHINE_TIMEOUT: { step: 'transport', summary: 'The machine did not answer in time', action: 'Check the machine' },
  MACHINE_ERROR: { step: 'transport', summary: 'The machine refused the command', action: 'Check the machine' },
  LASER_ALARM: { step: 'laser', summary: 'The laser raised an alarm', action: 'Check the laser, then unlock it' },
  LASER_OFFLINE: { step: 'laser', summary: 'The laser is offline', action: 'Check the laser cable and power' },
  LASER_TIMEOUT: { step: 'laser', summary: 'The laser did not answer in time', action: 'Check the laser' },
  LASER_ERROR: { step: 'laser', summary: 'The laser refused a command', action: 'Check the laser settings' },
  LASER_STALL: { step: 'laser', summary: 'The laser stopped moving in the middle of the job', action: 'Check the laser mechanics, then reject the card' },
  OPERATOR_STOP: { step: 'any', summary: 'Stopped by the operator', action: 'A supervisor decides on the card' },
  EMERGENCY_STOP: { step: 'any', summary: 'Emergency stop', action: 'Inspect the machine; decide on every card that was in it' },
  INTERRUPTED: { step: 'any', summary: 'The station stopped while this card was being personalized', action: 'Inspect the card and decide' },
  DEVICE_NOT_CONFIGURED: { step: 'any', summary: 'The product needs a device this station does not have', action: 'Check the station configuration' },
  INTERNAL: { step: 'any', summary: 'Internal station error', action: 'Report it to the administrator' },
} as const satisfies Record<string, { step: string; summary: string; action: string }>;

export type ReasonCode = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];
export function isReasonCode(x: string): x is ReasonCode {
  return Object.prototype.hasOwnProperty.call(REASONS, x);
}
