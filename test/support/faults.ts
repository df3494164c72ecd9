import type { Faults } from '../../gateway/src/channels/service';

/**
 * A crash point for channel tests: once armed, the payer's gateway fails the next proposal the
 * other gateway countersigned before storing it (the request answers 500 and the proposal stays
 * pending, as after a crash at that moment). Pass `faults` to the organisation's gateway (and to
 * its restarts); `arm()` makes the next such moment fail, once.
 */
export function crashBeforeStore(): { faults: Faults; arm(): void } {
  let armed = false;
  return {
    faults: {
      afterAgreeBeforeStore: () => {
        if (!armed) return;
        armed = false;
        throw new Error('crash between countersignature and store');
      },
    },
    arm: () => void (armed = true),
  };
}
