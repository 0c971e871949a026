// Client event ids: the reader's clock first (base 36, fixed width), then 64 random bits. Ids made later sort
// later, so the server's index of client ids grows at its end rather than on a random page of it.

const hex = (n: number) => n.toString(16).padStart(8, '0');

export function timeOrderedId(nowMs = Date.now()): string {
  const r = crypto.getRandomValues(new Uint32Array(2));
  return `${Math.floor(nowMs).toString(36).padStart(9, '0')}-${hex(r[0]!)}${hex(r[1]!)}`;
}
