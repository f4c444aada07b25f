import type { Rejection } from './row-parser';

export interface RejectionReason {
  reason: string;
  count: number;
  /** Line of the first row rejected for this reason, and its particulars. */
  firstLine: number;
  detail?: string;
}

/** Rejected rows grouped by reason, so a million bad rows make a short report. */
export class RejectionTally {
  private readonly reasons = new Map<string, RejectionReason>();
  private total = 0;

  add(rejection: Rejection, line: number): void {
    this.total++;
    const entry = this.reasons.get(rejection.reason);
    if (entry) entry.count++;
    else this.reasons.set(rejection.reason, { reason: rejection.reason, count: 1, firstLine: line, detail: rejection.detail });
  }

  get count(): number {
    return this.total;
  }

  /** Most frequent first. */
  list(): RejectionReason[] {
    return [...this.reasons.values()].sort((a, b) => b.count - a.count);
  }
}
