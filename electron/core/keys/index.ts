export { SoftwareKeyStore, type CeremonySpec, type CeremonyStatus, type KeyStoreOptions } from './store';
export { KeyStoreError, type KeyInfo, type KeyMaterial, type KeyVault } from './types';
export { kcv, gpTestKey, isGpTestKey, KEY_LENGTHS, type KeyAlgorithm } from './kcv';
export { KekError, PASSPHRASE_ENV, type KekSource } from './kek';
export { KEYS_DOMAIN } from './schema';
