// Free text that is stored and shown back must be printable: no control characters, and no
// lone UTF-16 surrogates, which strict JSON clients cannot read back.

export function isPrintableText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return value.isWellFormed();
}
