// The magnetic-stripe domain: encoding, track layouts, validation and display masking.
export * from './profile';
export * from './charset';
export * from './tracks';
export * from './validate';
export * from './mask';
