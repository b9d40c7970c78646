// The one place a clear key value meets the PKCS#11 library: a short-lived process that the
// station starts for each ceremony call that must pass key material to the token (a component's
// KCV, the combined key's C_CreateObject). pkcs11js copies attribute values into malloc'd memory
// and frees it without clearing, and the p11-kit client copies them into its RPC buffers the same
// way; in this process those copies end when it exits, instead of lingering in the station's heap.
//
// Plain JavaScript, so it runs on Node without a TypeScript loader. Input on stdin: one byte PIN
// length, the PIN, then the key value; options in argv[2] as JSON ({ module, tokenLabel, slot,
// op: 'create' | 'kcv', keyId, algorithm }). Output on stdout: JSON { kcv } or { error, ckr }.
import { createRequire } from 'node:module';
import { readSync } from 'node:fs';

const require = createRequire(import.meta.url);
const pk = require('pkcs11js');

function readAll() {
  const buf = Buffer.alloc(4096);
  let n = 0;
  for (;;) {
    const got = readSync(0, buf, n, buf.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return buf.subarray(0, n);
}

const o = JSON.parse(process.argv[2]);
const input = readAll();
const pin = input.subarray(1, 1 + input[0]).toString('utf8');
const value = input.subarray(1 + input[0]);
const p = new pk.PKCS11();
let out;
try {
  p.load(o.module);
  p.C_Initialize({ flags: pk.CKF_OS_LOCKING_OK });
  const slots = p.C_GetSlotList(true);
  const slotNo = (s) => (s.length >= 8 ? Number(s.readBigUInt64LE(0)) : s.readUInt32LE(0));
  const slot = slots.find((s) => (o.tokenLabel != null ? p.C_GetTokenInfo(s).label.trim() === o.tokenLabel : slotNo(s) === o.slot));
  if (!slot) throw new Error('CKR_TOKEN_NOT_PRESENT:224');
  const session = p.C_OpenSession(slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
  p.C_Login(session, pk.CKU_USER, pin);
  const aes = o.algorithm === 'AES';
  const persistent = o.op === 'create';
  const h = p.C_CreateObject(session, [
    { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY }, { type: pk.CKA_KEY_TYPE, value: aes ? pk.CKK_AES : value.length === 16 ? pk.CKK_DES2 : pk.CKK_DES3 },
    { type: pk.CKA_LABEL, value: persistent ? o.keyId : 'kcv' }, { type: pk.CKA_TOKEN, value: persistent }, { type: pk.CKA_PRIVATE, value: true },
    { type: pk.CKA_SENSITIVE, value: true }, { type: pk.CKA_EXTRACTABLE, value: false }, { type: pk.CKA_ENCRYPT, value: true }, { type: pk.CKA_DECRYPT, value: false },
    { type: pk.CKA_SIGN, value: aes }, { type: pk.CKA_DERIVE, value: true }, { type: pk.CKA_WRAP, value: false }, { type: pk.CKA_UNWRAP, value: false },
    { type: pk.CKA_VALUE, value },
  ]);
  value.fill(0);
  p.C_EncryptInit(session, { mechanism: aes ? pk.CKM_AES_ECB : pk.CKM_DES3_ECB }, h);
  const block = aes ? Buffer.alloc(16, 1) : Buffer.alloc(8);
  const kcv = p.C_Encrypt(session, block, Buffer.alloc(block.length)).subarray(0, 3).toString('hex').toUpperCase();
  const a = p.C_GetAttributeValue(session, h, [{ type: pk.CKA_SENSITIVE }, { type: pk.CKA_EXTRACTABLE }]);
  const flag = (v) => (Buffer.isBuffer(v) ? v[0] === 1 : !!v);
  if (!persistent) p.C_DestroyObject(session, h);
  else if (!flag(a[0].value) || flag(a[1].value)) {
    p.C_DestroyObject(session, h);
    throw new Error('the token did not keep the key sensitive and not extractable');
  }
  p.C_Logout(session);
  p.C_CloseSession(session);
  p.C_Finalize();
  out = { kcv };
} catch (e) {
  value.fill(0);
  const m = /CKR_[A-Z_]+/.exec(String(e?.message ?? e));
  out = { error: String(e?.message ?? e).split('\n')[0].slice(0, 200), ckr: m ? m[0] : null };
}
process.stdout.write(JSON.stringify(out));
