/**
 * The loopback address of synthetic server `index`: 127.1.x.y, never a .0 or .255 host part. All of
 * 127.0.0.0/8 is loopback on Linux, so each server can have a host of its own, as real servers do.
 */
export function endpointHost(index: number): string {
  return `127.1.${Math.floor(index / 250)}.${1 + (index % 250)}`;
}
