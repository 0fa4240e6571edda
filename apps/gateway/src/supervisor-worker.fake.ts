/**
 * A fake gateway worker for supervisor.spec.ts, forked by node:cluster (through tsx).
 * `heartbeats <intervalMs>`: sends heartbeats like a real worker until it is sent 'stall', then
 * blocks its event loop for good, as a script stuck in a V8 built-in that never checks for
 * interrupts does; answers 'inline?' with its DSP_GATEWAY_INLINE. `silent`: stuck from the start,
 * before its first heartbeat.
 */
import { sendHeartbeats } from './supervisor';

const [mode, intervalMs] = process.argv.slice(2);

function stall(): never {
  for (;;) {
    // Nothing: the event loop never turns again.
  }
}

if (mode === 'silent') stall();
sendHeartbeats(Number(intervalMs));
// The listener also keeps the worker alive: the heartbeat timer is unref'd.
process.on('message', (message: unknown) => {
  if (message === 'stall') stall();
  if (message === 'inline?') process.send?.({ inline: process.env.DSP_GATEWAY_INLINE ?? 'on' });
});
