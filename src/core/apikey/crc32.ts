/**
 * CRC-32 (IEEE 802.3, the one zlib.crc32 computes), for the API-key checksum. In JavaScript because
 * loading node:zlib for a 50-byte checksum cost `apikey verify` ~2 ms of start-up (issue #17). It is
 * a typo check, not a security measure: the key's secrecy is in its 190 random bits.
 */
let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

export function crc32(bytes: Uint8Array): number {
  table ??= crcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
