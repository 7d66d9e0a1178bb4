// Execution names: the first is the event id, so starting it twice is harmless; a continued
// or resumed execution adds a unique suffix (names stay under the 80-character limit).

export function executionName(eventId: string, suffix?: string): string {
  return suffix ? `${eventId}-${suffix}` : eventId;
}
