// Name checks of command arguments (PROTOCOL.md §8.1) and the error frames they produce. Upstream
// scans left to right, so whichever fault comes first wins; the limit is 64 (not upstream's 65).
import { MAX_NAME_LENGTH } from '../core/names.js';
import { ClientErrors } from '../errors.js';
import type { Envelope } from './envelope.js';
import { errorFrame } from './messages.js';

export type NameFault = 'chars' | 'length';

export function nameFault(name: string): NameFault | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
    if (!ok) return 'chars';
    if (i >= MAX_NAME_LENGTH) return 'length';
  }
  return undefined;
}

/** The shared validator's frame for a pipe name or marker (carries number_messages -1). */
export function pipeNameError(fault: NameFault, now: number): Envelope {
  return errorFrame({ error: fault === 'chars' ? ClientErrors.pipeBadChars : ClientErrors.pipeBadLength, number_messages: -1 }, now);
}

/** The shared validator's frame for an event name (no number_messages). */
export function eventNameError(fault: NameFault, now: number): Envelope {
  return errorFrame({ error: fault === 'chars' ? ClientErrors.eventBadChars : ClientErrors.eventBadLength }, now);
}

/** `{"error":text,"number_messages":-1}` — the command-specific follow-up errors. */
export function commandError(text: string, now: number): Envelope {
  return errorFrame({ error: text, number_messages: -1 }, now);
}
