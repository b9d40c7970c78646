// Each PC/SC transmit holds a libuv pool thread for the card's whole answer time (pcsclite's
// addon), and SQLite/crypto/fs share the same pool: with N chip heads the default 4 threads
// would make heads wait for each other. Imported first by every entry point.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '24';
export {};
