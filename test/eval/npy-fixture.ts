/** A version-1 .npy file as NumPy writes it: magic, header length, padded dict, raw values. */
export function npyBytes(descr: string, shape: number[], values: number[], fortran = false): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padded = dict.padEnd(Math.ceil((dict.length + 11) / 64) * 64 - 11) + '\n';
  const size = descr.endsWith('8') ? 8 : 4;
  const body = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (descr === '<f8') body.writeDoubleLE(v, i * 8);
    else if (descr === '<i8') body.writeBigInt64LE(BigInt(v), i * 8);
    else body.writeInt32LE(v, i * 4);
  });
  const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  head.writeUInt16LE(padded.length, 8);
  return new Uint8Array(Buffer.concat([head, Buffer.from(padded, 'latin1'), body]));
}
