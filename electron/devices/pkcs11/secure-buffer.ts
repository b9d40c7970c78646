// A Buffer for key material that fill(0) really clears. V8 keeps a typed array of up to 64 bytes
// on the JavaScript heap, where the garbage collector moves it and leaves the old copy behind
// (the memory-proof test found 16-byte components that way); a Buffer over its own ArrayBuffer
// has an off-heap backing store that never moves.
export function secureBuffer(length: number): Buffer {
  return Buffer.from(new ArrayBuffer(length));
}

/** An off-heap copy of `src`. */
export function secureCopy(src: Buffer): Buffer {
  const b = secureBuffer(src.length);
  src.copy(b);
  return b;
}
