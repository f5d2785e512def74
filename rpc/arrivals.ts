// Requests numbered in the order they are read from the network. A file check made after a
// request was read is as fresh as one made for that request: whatever a client changed on disk
// before sending the request was already there. rpc/uci/freshness.ts shares checks this way.
let count = 0;

/** Numbers a request whose bytes have just been read. */
export function arrive(): number {
  return ++count;
}

/** The number of the last request read so far: everything up to it was read before now. */
export function lastArrival(): number {
  return count;
}
