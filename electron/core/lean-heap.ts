// V8's defaults suit a browser tab that lives for minutes; a host that runs for months should hold
// little more memory than it uses. Set once, at start, before the core allocates:
// - WebAssembly is compiled once (Liftoff). undici parses HTTP with llhttp compiled to it, and V8
//   compiled it a second time, optimised, in the background: ~30 MB for a moment, serve's peak
//   RSS on a 1 GiB upload (149 against 124 MB). Platform answers are small; the first code is
//   fast enough for them.
// - The old generation is collected when it has grown by a quarter since the last collection.
//   V8's own factor reaches 4× when collections are quick: a 20,000-file intake with ~40 MB live
//   let the heap reach 155 MB before collecting it (serve's peak RSS 273 MB). At 100,000 files
//   (~70 MB live) a half peaked at 240–254 MB and a quarter at 224 MB, for about twice as many
//   short collections.
// - The young generation keeps its starting size instead of doubling under load (32 MB grown
//   during start-up and kept).
// They are read when V8 next needs them, so setting them at run time takes effect (measured).
import { setFlagsFromString } from 'node:v8';

export const leanHeapFlags = ['--liftoff-only', '--heap-growing-percent=25', '--semi-space-growth-factor=1'] as const;

export function useLeanHeap(): void {
  for (const flag of leanHeapFlags) setFlagsFromString(flag);
}
